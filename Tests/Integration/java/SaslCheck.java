import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * SASL with the Java client: a SCRAM-SHA-512 credential made with the admin API over the
 * PLAINTEXT listener (alterUserScramCredentials, described with its iterations), then on the
 * SASL_PLAINTEXT listener an admin client creating a topic, a producer and a group consumer logging
 * in with SCRAM-SHA-512 and with PLAIN against that credential, a wrong password refused with
 * SaslAuthenticationException (not a timeout), and the credential deleted so that describing it
 * finds nothing and the right password is refused too. Prints one line per step; exits 1 on the
 * first failed check.
 *
 * Usage: SaslCheck SASL_BOOTSTRAP PLAIN_BOOTSTRAP TOPIC_PREFIX
 */
public final class SaslCheck extends Checks {
    /** Short client timeouts, so that a refused login fails the check quickly instead of hanging. */
    static final String TIMEOUT_MS = "15000";

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            fail("usage: SaslCheck SASL_BOOTSTRAP PLAIN_BOOTSTRAP TOPIC_PREFIX");
        }
        String sasl = args[0];
        String plaintext = args[1];
        String prefix = args[2];
        String user = prefix + "-user";
        String password = prefix + "-secret";

        try (Admin admin = Admin.create(quickAdmin(plaintext))) {
            upsert(admin, user, password);
            for (String mechanism : List.of("SCRAM-SHA-512", "PLAIN")) {
                roundTrip(sasl, mechanism, user, password, prefix + "-" + mechanism.toLowerCase());
                step(mechanism + " with a wrong password: "
                    + refusal(sasl, mechanism, user, "wrong-" + password, prefix + "-refused"));
            }
            delete(admin, user);
            step("PLAIN after the deletion: " + refusal(sasl, "PLAIN", user, password, prefix + "-refused"));
        }
        System.out.println("ALL CHECKS PASSED");
    }

    /** Upserts a SCRAM-SHA-512 credential with 8192 iterations and checks that describe shows it. */
    static void upsert(Admin admin, String user, String password) throws Exception {
        ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192);
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user, info, password))).all().get();
        UserScramCredentialsDescription described =
            admin.describeUserScramCredentials(List.of(user)).description(user).get();
        check(described.credentialInfos().equals(List.of(info)),
            "described as one SCRAM-SHA-512 credential with 8192 iterations, got " + described);
        step("alterUserScramCredentials: " + user + " SCRAM-SHA-512 8192 iterations, described as "
            + credentials(described));
        Map<String, UserScramCredentialsDescription> all = admin.describeUserScramCredentials().all().get();
        check(all.containsKey(user), "describing every user lists " + user + ", got " + all.keySet());
        Map<String, String> summary = new TreeMap<>();
        all.forEach((name, description) -> summary.put(name, credentials(description)));
        step("describeUserScramCredentials: " + summary);
    }

    /** Deletes the credential; describing every user no longer lists it, describing it by name fails. */
    static void delete(Admin admin, String user) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512)))
            .all().get();
        Map<String, UserScramCredentialsDescription> all = admin.describeUserScramCredentials().all().get();
        check(!all.containsKey(user), "deleted " + user + " still described: " + all.get(user));
        Throwable named = caught(() -> admin.describeUserScramCredentials(List.of(user)).description(user).get());
        check(named instanceof ResourceNotFoundException,
            "describing deleted " + user + " by name fails with ResourceNotFoundException, got " + describe(named));
        step("deleted " + user + ": absent from describeUserScramCredentials, ResourceNotFoundException by name");
    }

    /**
     * On the SASL listener with `mechanism`: an admin client creates the topic and sees the broker at
     * the SASL listener's port, a producer writes 10 records, a group consumer reads them back and
     * commits.
     */
    static void roundTrip(String bootstrap, String mechanism, String user, String password, String topic)
            throws Exception {
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (Admin admin = Admin.create(sasl(quickAdmin(bootstrap), mechanism, user, password))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get());
            check(!nodes.isEmpty() && nodes.stream().allMatch(node -> node.port() == port),
                "describeCluster over the SASL listener gives its port " + port + ", got " + nodes);
            step(mechanism + ": createTopics " + topic + ", describeCluster " + nodes);
        }

        List<String> sent = new ArrayList<>();
        Properties producerProps = sasl(producerProps(bootstrap, "none"), mechanism, user, password);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < 10; i++) {
                String value = mechanism + "-" + i;
                RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, 0, "k" + i, value)).get();
                check(metadata.offset() == i, "record " + i + " at offset " + i + ", got " + metadata.offset());
                sent.add(value);
            }
        }

        String group = topic + "-group";
        Properties consumerProps = sasl(consumerProps(bootstrap, group), mechanism, user, password);
        consumerProps.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            List<String> read = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (read.size() < sent.size() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> read.add(record.value()));
            }
            check(read.equals(sent), "read back " + sent + ", got " + read);
            consumer.commitSync();
            OffsetAndMetadata committed = consumer.committed(java.util.Set.of(partition)).get(partition);
            check(committed != null && committed.offset() == 10, "committed offset 10, got " + committed);
        }
        step(mechanism + ": 10 records produced and read back by group " + group + ", offset 10 committed");
    }

    /**
     * Checks that a producer logging in with these credentials fails (partitionsFor, else a send)
     * with SaslAuthenticationException before max.block.ms; returns "SaslAuthenticationException
     * (its message), thrown as ... after N ms".
     */
    static String refusal(String bootstrap, String mechanism, String user, String password, String topic)
            throws Exception {
        Properties props = sasl(producerProps(bootstrap, "none"), mechanism, user, password);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS);
        long start = System.currentTimeMillis();
        Throwable error;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            error = caught(() -> producer.partitionsFor(topic));
            if (error == null) {
                error = caught(() -> producer.send(new ProducerRecord<>(topic, "k", "v")).get());
            }
        }
        long took = System.currentTimeMillis() - start;
        SaslAuthenticationException refused = find(error, SaslAuthenticationException.class);
        check(refused != null, mechanism + " login of " + user + " fails with SaslAuthenticationException, got "
            + describe(error) + " after " + took + " ms");
        check(took < Long.parseLong(TIMEOUT_MS), "refused by the broker, not by max.block.ms: " + took + " ms");
        return "SaslAuthenticationException (" + refused.getMessage() + "), thrown as " + describe(error)
            + " after " + took + " ms";
    }

    static Properties quickAdmin(String bootstrap) {
        Properties props = adminProps(bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        return props;
    }

    /** `props` with SASL_PLAINTEXT and a JAAS login for `mechanism` (PLAIN or SCRAM-SHA-*). */
    static Properties sasl(Properties props, String mechanism, String user, String password) {
        String module = mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put(SaslConfigs.SASL_MECHANISM, mechanism);
        props.put(SaslConfigs.SASL_JAAS_CONFIG,
            module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }

    /** "[SCRAM-SHA-256/4096, SCRAM-SHA-512/8192]", sorted by mechanism. */
    static String credentials(UserScramCredentialsDescription description) {
        List<String> infos = new ArrayList<>();
        for (ScramCredentialInfo info : description.credentialInfos()) {
            infos.add(info.mechanism().mechanismName() + "/" + info.iterations());
        }
        infos.sort(null);
        return infos.toString();
    }



}
