import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.kinesis.producer.KinesisProducer;
import com.amazonaws.services.kinesis.producer.KinesisProducerConfiguration;
import com.amazonaws.services.kinesis.producer.UserRecordResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The real Java KPL (with its native daemon) putting records into the reference broker over TLS.
 * Args: host kinesisTlsPort stsTlsPort stream count accessKeyId secretAccessKey.
 * Prints one JSON line per record result on stdout, in put order; exits 0 when every put succeeded.
 */
public final class KplInterop {
  /** 200 bytes per record, so the load exceeds two shards' 1 MiB/s and the broker throttles. */
  static final String PADDING = "x".repeat(200);

  public static void main(String[] args) throws Exception {
    String host = args[0];
    long port = Long.parseLong(args[1]);
    long stsPort = Long.parseLong(args[2]);
    String stream = args[3];
    int count = Integer.parseInt(args[4]);
    KinesisProducerConfiguration config = new KinesisProducerConfiguration()
        .setRegion("us-east-1")
        .setKinesisEndpoint(host)
        .setKinesisPort(port)
        // The KPL names the stream by ARN, with the account from STS GetCallerIdentity.
        .setStsEndpoint(host)
        .setStsPort(stsPort)
        // The broker's certificate is self-signed, made at start.
        .setVerifyCertificate(false)
        .setMetricsLevel("none")
        .setRecordMaxBufferedTime(100)
        .setCredentialsProvider(
            new AWSStaticCredentialsProvider(new BasicAWSCredentials(args[5], args[6])));
    KinesisProducer producer = new KinesisProducer(config);
    List<Future<UserRecordResult>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ByteBuffer data = ByteBuffer.wrap(("kpl data " + i + " " + PADDING).getBytes(StandardCharsets.UTF_8));
      futures.add(producer.addUserRecord(stream, "kpl-" + i, data));
    }
    producer.flushSync();
    boolean ok = true;
    for (int i = 0; i < count; i++) {
      UserRecordResult result = futures.get(i).get(60, TimeUnit.SECONDS);
      ok &= result.isSuccessful();
      System.out.println("{\"partitionKey\":\"kpl-" + i + "\",\"successful\":" + result.isSuccessful()
          + ",\"shardId\":\"" + result.getShardId() + "\",\"sequenceNumber\":\"" + result.getSequenceNumber()
          + "\",\"attempts\":" + result.getAttempts().size() + "}");
    }
    System.out.flush();
    producer.destroy();
    System.exit(ok ? 0 : 1);
  }
}
