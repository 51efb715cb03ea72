import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Java producer's side of benchmarks/transaction_bench.py: writes a number of records
 * round-robin over three partitions, idempotent (every = 0), idempotent and flushed every
 * -`every` records (every < 0), or committing a transaction every `every` records, with the
 * producer's defaults apart from acks=all and lz4. Prints "elapsed SECONDS" once every record
 * is acknowledged.
 *
 * The same producer first writes `warm-up` records the same way to the topic named
 * `topic`-warm-up, so that the JVM has compiled the client's code before the measured part
 * (compiling takes a core of the two the broker runs on); it then prints "warm" and waits for
 * a line on its input, while the caller reads the broker's CPU time.
 *
 * Arguments: bootstrap topic records every payload-file warm-up
 */
public final class TransactionBench {
    private TransactionBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int records = Integer.parseInt(args[2]);
        int every = Integer.parseInt(args[3]);
        byte[][] payloads = readPayloads(args[4]);
        int warmUp = Integer.parseInt(args[5]);
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (every > 0) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-java-" + System.nanoTime());
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (every > 0) {
                producer.initTransactions();
            }
            write(producer, topic + "-warm-up", warmUp, every, payloads, failure);
            System.out.println("warm");
            System.out.flush();
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            long start = System.nanoTime();
            write(producer, topic, records, every, payloads, failure);
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.println("elapsed " + elapsed);
        }
    }

    /** Writes `records` records to `topic` and waits until each is acknowledged. */
    private static void write(KafkaProducer<byte[], byte[]> producer, String topic, int records, int every,
            byte[][] payloads, AtomicReference<Exception> failure) throws Exception {
        for (int index = 0; index < records; index++) {
            if (every > 0 && index % every == 0) {
                producer.beginTransaction();
            }
            producer.send(new ProducerRecord<>(topic, index % 3, null, payloads[index % payloads.length]),
                    (metadata, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                    });
            if (every > 0 && ((index + 1) % every == 0 || index + 1 == records)) {
                producer.commitTransaction();
            } else if (every < 0 && (index + 1) % -every == 0) {
                producer.flush();
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Payloads written by the Python side, one per line. */
    private static byte[][] readPayloads(String path) throws Exception {
        return java.nio.file.Files.readAllLines(java.nio.file.Paths.get(path)).stream()
                .map(String::getBytes).toArray(byte[][]::new);
    }
}
