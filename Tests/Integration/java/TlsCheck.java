import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * TLS with the Java client: the broker's certificate given as a PEM truststore
 * (ssl.truststore.type=PEM), host names verified as by default (ssl.endpoint.identification.algorithm
 * https, so the certificate must name 127.0.0.1). On the SSL listener and on the SASL_SSL listener
 * with SCRAM-SHA-512: an admin client creates a topic and sees the broker at that listener's port,
 * a producer writes 10 records, a group consumer reads them back and commits. A producer and an
 * admin client without the truststore (the JDK's CA certificates only) fail with
 * SslAuthenticationException, not a timeout; a wrong password over SASL_SSL gets
 * SaslAuthenticationException after a good handshake. Prints one line per step; exits 1 on the
 * first failed check.
 *
 * Usage: TlsCheck SSL_BOOTSTRAP SASL_SSL_BOOTSTRAP CA_PEM USER PASSWORD TOPIC_PREFIX
 */
public final class TlsCheck extends Checks {
    /** Short client timeouts, so that a refused connection fails the check quickly instead of hanging. */
    static final String TIMEOUT_MS = "15000";

    /** One way to reach the broker: a label for the output, the listener's address, the security settings. */
    record Listener(String label, String bootstrap, UnaryOperator<Properties> security) {
        int port() {
            return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        }

        Properties apply(Properties props) {
            return security.apply(props);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            fail("usage: TlsCheck SSL_BOOTSTRAP SASL_SSL_BOOTSTRAP CA_PEM USER PASSWORD TOPIC_PREFIX");
        }
        String sslBootstrap = args[0];
        String saslSslBootstrap = args[1];
        String ca = args[2];
        String user = args[3];
        String password = args[4];
        String prefix = args[5];

        check("https".equals(SslConfigs.DEFAULT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM),
            "the client verifies host names by default, got " + SslConfigs.DEFAULT_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM);
        step("host names verified: ssl.endpoint.identification.algorithm is https by default and left so");

        Listener ssl = new Listener("SSL", sslBootstrap, props -> tls(props, "SSL", ca));
        Listener saslSsl = new Listener("SASL_SSL SCRAM-SHA-512", saslSslBootstrap,
            props -> scram(tls(props, "SASL_SSL", ca), user, password));
        roundTrip(ssl, prefix + "-ssl");
        roundTrip(saslSsl, prefix + "-sasl-ssl");

        Listener sslUntrusted = new Listener("SSL", sslBootstrap, props -> tls(props, "SSL", null));
        Listener saslSslUntrusted = new Listener("SASL_SSL", saslSslBootstrap,
            props -> scram(tls(props, "SASL_SSL", null), user, password));
        step("SSL without the truststore: "
            + refusal(sslUntrusted, prefix + "-refused", SslAuthenticationException.class));
        step("SASL_SSL without the truststore: "
            + refusal(saslSslUntrusted, prefix + "-refused", SslAuthenticationException.class));
        step("SSL admin without the truststore: " + adminRefusal(sslUntrusted));

        Listener wrongPassword = new Listener("SASL_SSL SCRAM-SHA-512", saslSslBootstrap,
            props -> scram(tls(props, "SASL_SSL", ca), user, "wrong-" + password));
        step("SASL_SSL SCRAM-SHA-512 with a wrong password: "
            + refusal(wrongPassword, prefix + "-refused", SaslAuthenticationException.class));

        // The refused clients left the listeners serving.
        try (Admin admin = Admin.create(ssl.apply(quickAdmin(sslBootstrap)))) {
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get());
            check(!nodes.isEmpty(), "describeCluster over SSL after the refusals lists the broker");
            step("SSL after the refusals: describeCluster " + nodes);
        }
        System.out.println("ALL CHECKS PASSED");
    }

    /**
     * Over `listener`: an admin client creates the topic and sees the broker at the listener's
     * port, a producer writes 10 records, a group consumer reads them back and commits.
     */
    static void roundTrip(Listener listener, String topic) throws Exception {
        int port = listener.port();
        try (Admin admin = Admin.create(listener.apply(quickAdmin(listener.bootstrap())))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get());
            check(!nodes.isEmpty() && nodes.stream().allMatch(node -> node.port() == port),
                "describeCluster over " + listener.label() + " gives its port " + port + ", got " + nodes);
            step(listener.label() + ": describeCluster gives port " + port + " " + nodes + ", created " + topic);
        }

        List<String> sent = new ArrayList<>();
        Properties producerProps = listener.apply(producerProps(listener.bootstrap(), "none"));
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < 10; i++) {
                String value = topic + "-" + i;
                RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, 0, "k" + i, value)).get();
                check(metadata.offset() == i, "record " + i + " at offset " + i + ", got " + metadata.offset());
                sent.add(value);
            }
        }

        String group = topic + "-group";
        Properties consumerProps = listener.apply(consumerProps(listener.bootstrap(), group));
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
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            check(committed != null && committed.offset() == 10, "committed offset 10, got " + committed);
        }
        step(listener.label() + ": 10 records produced and read back by group " + group + ", offset 10 committed");
    }

    /**
     * Checks that a producer over `listener` fails (partitionsFor, else a send) with `expected` in
     * the cause chain before max.block.ms; returns "Expected (its message), thrown as ... after N ms".
     */
    static String refusal(Listener listener, String topic, Class<? extends Throwable> expected) throws Exception {
        Properties props = listener.apply(producerProps(listener.bootstrap(), "none"));
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
        Throwable refused = find(error, expected);
        check(refused != null, listener.label() + " fails with " + expected.getSimpleName() + ", got "
            + describe(error) + " after " + took + " ms");
        check(took < Long.parseLong(TIMEOUT_MS), "refused at once, not by max.block.ms: " + took + " ms");
        return expected.getSimpleName() + " (" + refused.getMessage() + "), thrown as " + describe(error)
            + " after " + took + " ms";
    }

    /** Checks that describeCluster over `listener` fails with SslAuthenticationException before its timeout. */
    static String adminRefusal(Listener listener) throws Exception {
        long start = System.currentTimeMillis();
        Throwable error;
        try (Admin admin = Admin.create(listener.apply(quickAdmin(listener.bootstrap())))) {
            error = caught(() -> admin.describeCluster().nodes().get());
        }
        long took = System.currentTimeMillis() - start;
        Throwable refused = find(error, SslAuthenticationException.class);
        check(refused != null, "admin over " + listener.label() + " without the truststore fails with "
            + "SslAuthenticationException, got " + describe(error) + " after " + took + " ms");
        check(took < Long.parseLong(TIMEOUT_MS), "refused at once, not by the API timeout: " + took + " ms");
        return "SslAuthenticationException (" + refused.getMessage() + ") after " + took + " ms";
    }

    static Properties quickAdmin(String bootstrap) {
        Properties props = adminProps(bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        return props;
    }

    /**
     * `props` with security.protocol `protocol` and, if `caPem` is not null, that PEM file as the
     * truststore; without it the JDK's default CA certificates are trusted.
     */
    static Properties tls(Properties props, String protocol, String caPem) {
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        if (caPem != null) {
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caPem);
        }
        return props;
    }

    /** `props` with a SCRAM-SHA-512 login. */
    static Properties scram(Properties props, String user, String password) {
        props.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }



}
