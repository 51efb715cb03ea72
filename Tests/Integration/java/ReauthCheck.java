import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * KIP-368 with the Java client: a producer logged in with SCRAM-SHA-256 sends a record every
 * 50 ms for longer than the broker's session lifetime; the client logs in again on its open
 * connections, and every record is acknowledged. Prints one line per step; exits 1 on the
 * first failed check.
 *
 * Usage: ReauthCheck SASL_BOOTSTRAP USER PASSWORD TOPIC MILLISECONDS
 */
public final class ReauthCheck extends Checks {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            fail("usage: ReauthCheck SASL_BOOTSTRAP USER PASSWORD TOPIC MILLISECONDS");
        }
        Properties security = new Properties();
        security.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        security.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        security.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
        security.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"" + args[1] + "\" password=\"" + args[2] + "\";");
        String topic = args[3];
        long duration = Long.parseLong(args[4]);
        try (Admin admin = Admin.create(security)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties config = new Properties();
        config.putAll(security);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            long end = System.currentTimeMillis() + duration;
            while (System.currentTimeMillis() < end) {
                sent.add(producer.send(new ProducerRecord<>(topic, "record " + sent.size())));
                Thread.sleep(50);
            }
            for (Future<RecordMetadata> future : sent) {
                future.get();
            }
        }
        check(sent.size() > 20, "sent only " + sent.size() + " records");
        step("every record acknowledged: " + sent.size() + " over " + duration + " ms");
        System.out.println("ALL CHECKS PASSED");
    }
}
