import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What every check program here shares: one "OK ..." line per passed step, "FAILED ..." and
 * exit status 1 at the first failed check, waiting for a condition with a deadline, and the
 * client settings Kafka's command-line tools use (an idempotent producer with acks=all, a
 * consumer from the beginning without auto-commit). The programs extend it to call these
 * unqualified.
 */
class Checks {
    /** How long a check waits for something that happens in the background. */
    static final Duration WAIT = Duration.ofSeconds(30);

    protected Checks() {
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitUntil(Condition condition, String what) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(200);
        }
        fail("timed out waiting for: " + what);
    }

    interface Call {
        void run() throws Exception;
    }

    /** The exception a call failed with (unwrapped from ExecutionException), or null. */
    static Throwable cause(Call call) throws Exception {
        try {
            call.run();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** What a call threw (unwrapped from ExecutionException), or null; unlike cause(), any exception. */
    static Throwable caught(Call call) {
        try {
            call.run();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    /** The throwable of class `type` that is `error` or in its cause chain, or null. */
    static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** "KafkaException caused by ProducerFencedException": the classes of `error` and its causes. */
    static String causes(Throwable error) {
        if (error == null) {
            return "no exception";
        }
        StringBuilder text = new StringBuilder(error.getClass().getSimpleName());
        for (Throwable t = error.getCause(); t != null; t = t.getCause()) {
            text.append(" caused by ").append(t.getClass().getSimpleName());
        }
        return text.toString();
    }

    /** `causes(error)` and the message. */
    static String describe(Throwable error) {
        return error == null ? causes(error) : causes(error) + " (" + error.getMessage() + ")";
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            fail("check failed: " + what);
        }
    }

    static void step(String what) {
        System.out.println("OK " + what);
        System.out.flush();
    }

    static void fail(String message) {
        System.out.println("FAILED " + message);
        System.out.flush();
        System.exit(1);
    }

    static Properties adminProps(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return props;
    }

    static Properties producerProps(String bootstrap, String codec) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "40000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    static Properties consumerProps(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }
}
