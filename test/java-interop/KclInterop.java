import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * The real Java KCL 2.x as a consumer of a stream whose leases another KCL-compatible worker wrote.
 * Args: kinesisEndpoint dynamoEndpoint stream application expectedRecords timeoutSeconds.
 * Prints one JSON line per event on stdout; exits 0 after a graceful shutdown (leases checkpointed).
 */
public final class KclInterop {
  private static final AtomicInteger processed = new AtomicInteger();

  private static synchronized void emit(String json) {
    System.out.println(json);
    System.out.flush();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static final class Processor implements ShardRecordProcessor {
    private String shardId = "";

    @Override
    public void initialize(InitializationInput input) {
      shardId = input.shardId();
      emit("{\"event\":\"initialize\",\"shardId\":" + quote(shardId) + ",\"sequenceNumber\":"
          + quote(input.extendedSequenceNumber().sequenceNumber()) + ",\"subSequenceNumber\":"
          + input.extendedSequenceNumber().subSequenceNumber() + "}");
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
      for (KinesisClientRecord r : input.records()) {
        byte[] bytes = new byte[r.data().remaining()];
        r.data().duplicate().get(bytes);
        emit("{\"event\":\"record\",\"shardId\":" + quote(shardId) + ",\"partitionKey\":" + quote(r.partitionKey())
            + ",\"sequenceNumber\":" + quote(r.sequenceNumber()) + ",\"subSequenceNumber\":" + r.subSequenceNumber()
            + ",\"aggregated\":" + r.aggregated() + ",\"data\":" + quote(new String(bytes, StandardCharsets.UTF_8)) + "}");
      }
      processed.addAndGet(input.records().size());
      checkpoint(input.checkpointer());
    }

    /** Checkpoints the last record handed over (or SHARD_END); a failure is reported, not thrown. */
    private void checkpoint(RecordProcessorCheckpointer checkpointer) {
      try {
        checkpointer.checkpoint();
      } catch (Exception e) {
        emit("{\"event\":\"checkpointFailed\",\"shardId\":" + quote(shardId) + ",\"error\":" + quote(e.toString()) + "}");
      }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
      emit("{\"event\":\"leaseLost\",\"shardId\":" + quote(shardId) + "}");
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
      checkpoint(input.checkpointer());
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
      checkpoint(input.checkpointer());
    }
  }

  public static void main(String[] args) throws Exception {
    URI kinesisEndpoint = URI.create(args[0]);
    URI dynamoEndpoint = URI.create(args[1]);
    String stream = args[2];
    String application = args[3];
    int expected = Integer.parseInt(args[4]);
    long timeoutMillis = Long.parseLong(args[5]) * 1000;
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create(args[6], args[7]));
    Region region = Region.US_EAST_1;
    KinesisAsyncClient kinesis = KinesisAsyncClient.builder()
        .region(region).credentialsProvider(credentials).endpointOverride(kinesisEndpoint)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
        .build();
    DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
        .region(region).credentialsProvider(credentials).endpointOverride(dynamoEndpoint).build();
    // Metrics are off; the client is only what the builder requires.
    CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder()
        .region(region).credentialsProvider(credentials).endpointOverride(dynamoEndpoint).build();
    ConfigsBuilder configs = new ConfigsBuilder(stream, application, kinesis, dynamo, cloudWatch, "java-kcl-worker",
        Processor::new);
    PollingConfig polling = new PollingConfig(stream, kinesis).idleTimeBetweenReadsInMillis(200);
    Scheduler scheduler = new Scheduler(
        configs.checkpointConfig(),
        configs.coordinatorConfig(),
        configs.leaseManagementConfig().failoverTimeMillis(10_000).shardSyncIntervalMillis(5_000),
        configs.lifecycleConfig(),
        configs.metricsConfig().metricsLevel(MetricsLevel.NONE),
        configs.processorConfig(),
        configs.retrievalConfig().retrievalSpecificConfig(polling));
    Thread worker = new Thread(scheduler);
    worker.setDaemon(true);
    worker.start();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (processed.get() < expected && System.currentTimeMillis() < deadline) Thread.sleep(100);
    emit("{\"event\":\"done\",\"processed\":" + processed.get() + "}");
    boolean graceful = scheduler.startGracefulShutdown().get(60, TimeUnit.SECONDS);
    emit("{\"event\":\"shutdown\",\"graceful\":" + graceful + "}");
    System.exit(processed.get() >= expected && graceful ? 0 : 1);
  }
}
