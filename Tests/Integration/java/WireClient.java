import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A Java client that stays connected for the X-ray checks: it produces a record every 20 ms,
 * or consumes in a group, for the given seconds, then closes. Prints "READY" once its first
 * request went out, and "ALL CHECKS PASSED" at the end.
 *
 * Usage: WireClient BOOTSTRAP CLIENT_ID (produce TOPIC | consume TOPIC GROUP) SECONDS
 */
public final class WireClient {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String clientId = args[1];
        String mode = args[2];
        String topic = args[3];
        int seconds = Integer.parseInt(args[args.length - 1]);
        Instant end = Instant.now().plusSeconds(seconds);
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrap);
        properties.put("client.id", clientId);
        if (mode.equals("produce")) {
            properties.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            properties.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            properties.put("max.block.ms", String.valueOf(seconds * 1000L));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
                System.out.println("READY");
                System.out.flush();
                int sent = 0;
                while (Instant.now().isBefore(end)) {
                    try {
                        producer.send(new ProducerRecord<>(topic, "k" + sent, "v" + sent));
                    } catch (Exception error) {
                        // A broker that cannot be reached: keep trying until the time is up.
                    }
                    sent++;
                    Thread.sleep(20);
                }
            }
        } else {
            properties.put("group.id", args[4]);
            properties.put("auto.offset.reset", "earliest");
            properties.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            properties.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
                consumer.subscribe(List.of(topic));
                System.out.println("READY");
                System.out.flush();
                while (Instant.now().isBefore(end)) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }
        }
        System.out.println("ALL CHECKS PASSED");
    }
}
