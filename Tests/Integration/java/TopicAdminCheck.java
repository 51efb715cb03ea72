import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;

/**
 * The Java AdminClient calls behind kafka-topics --alter --partitions, kafka-topics --create
 * of a compacted topic, kafka-configs and kafka-delete-records, against one broker. Prints one
 * line per step; exits 1 on the first failed check.
 *
 * Usage: TopicAdminCheck BOOTSTRAP TOPIC GROUP (partitions | configs | compaction | records)
 */
public final class TopicAdminCheck extends Checks {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            fail("usage: TopicAdminCheck BOOTSTRAP TOPIC GROUP (partitions | configs | compaction | records)");
        }
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        try (Admin admin = Admin.create(adminProps(bootstrap))) {
            switch (args[3]) {
                case "partitions":
                    partitions(admin, bootstrap, topic, group);
                    break;
                case "configs":
                    configs(admin, bootstrap, topic);
                    break;
                case "compaction":
                    compaction(admin, bootstrap, topic);
                    break;
                case "records":
                    records(admin, bootstrap, topic);
                    break;
                default:
                    fail("unknown mode " + args[3]);
            }
        }
        System.out.println("ALL CHECKS PASSED");
    }

    /**
     * createPartitions: validate-only changes nothing, fewer partitions are refused, more are
     * added, and a subscribed consumer group rebalances onto them.
     */
    static void partitions(Admin admin, String bootstrap, String topic, String group) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        java.util.Properties props = consumerProps(bootstrap, group);
        // The group notices new partitions at a metadata refresh; make it come soon.
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            pollUntil(consumer, () -> consumer.assignment().size() == 1, "the member is assigned 1 partition");
            step("a member of " + group + " is assigned " + consumer.assignment());

            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4)),
                new CreatePartitionsOptions().validateOnly(true)).all().get();
            check(partitionCount(admin, topic) == 1, "validateOnly added nothing");
            step("createPartitions validateOnly: still 1 partition");

            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();
            check(partitionCount(admin, topic) == 3, "3 partitions after createPartitions");
            step("createPartitions: 3 partitions");

            Throwable fewer = cause(() -> admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get());
            check(fewer instanceof InvalidPartitionsException, "fewer partitions refused, got " + fewer);
            step("createPartitions to fewer: InvalidPartitionsException (" + fewer.getMessage() + ")");

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(topic, 2, "key", "to a new partition")).get();
                check(sent.partition() == 2, "produced to partition 2");
            }
            step("produce to new partition 2");

            // The record may arrive in the same poll that completes the rebalance.
            boolean[] seen = {false};
            RecordSink watch = records -> {
                for (ConsumerRecord<String, String> record : records) {
                    seen[0] |= record.partition() == 2;
                }
            };
            pollUntil(consumer, () -> consumer.assignment().size() == 3, "the member is assigned 3 partitions", watch);
            step("the group rebalanced: assigned " + consumer.assignment().size() + " partitions");
            pollUntil(consumer, () -> seen[0], "the record in partition 2 is consumed", watch);
            step("the record in new partition 2 consumed");
        }
    }

    /**
     * incrementalAlterConfigs and describeConfigs on a topic and on the broker, kafka-configs
     * style: sources, synonyms, documentation, validate-only, unknown keys and bad values, and
     * retention that takes effect at once.
     */
    static void configs(Admin admin, String bootstrap, String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        alter(admin, resource, AlterConfigOp.OpType.SET, "retention.ms", "3600000");
        ConfigEntry retention = describe(admin, resource).get("retention.ms");
        check("3600000".equals(retention.value()), "retention.ms set, got " + retention);
        check(retention.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "source topic, got " + retention);
        check(retention.synonyms().size() >= 2, "synonyms down to the default, got " + retention.synonyms());
        check(retention.synonyms().get(1).name().equals("log.retention.ms"), "broker synonym, got " + retention);
        check(retention.type() == ConfigEntry.ConfigType.LONG, "type LONG, got " + retention.type());
        check(retention.documentation() != null && !retention.documentation().isEmpty(), "documentation");
        step("incrementalAlterConfigs SET retention.ms: " + retention.source() + ", synonyms " + retention.synonyms());

        alter(admin, resource, AlterConfigOp.OpType.DELETE, "retention.ms", null);
        retention = describe(admin, resource).get("retention.ms");
        check(retention.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "retention.ms back to inherited");
        step("incrementalAlterConfigs DELETE retention.ms: " + retention.value() + " (" + retention.source() + ")");

        alter(admin, resource, AlterConfigOp.OpType.APPEND, "cleanup.policy", "delete");
        check("delete".equals(describe(admin, resource).get("cleanup.policy").value()), "APPEND of a present item");
        Throwable notList = cause(() -> alter(admin, resource, AlterConfigOp.OpType.APPEND, "retention.ms", "1"));
        check(notList instanceof InvalidConfigurationException, "APPEND to a non-list refused, got " + notList);
        step("APPEND: lists only (" + notList.getMessage() + ")");

        Throwable unknown = cause(() -> alter(admin, resource, AlterConfigOp.OpType.SET, "no.such.key", "1"));
        check(unknown instanceof InvalidConfigurationException && unknown.getMessage().contains("no.such.key"),
            "unknown key refused by name, got " + unknown);
        Throwable bad = cause(() -> alter(admin, resource, AlterConfigOp.OpType.SET, "retention.ms", "soon"));
        check(bad instanceof InvalidConfigurationException && bad.getMessage().contains("retention.ms"),
            "bad value refused by name, got " + bad);
        step("unknown key and bad value: InvalidConfigurationException (" + bad.getMessage() + ")");

        admin.incrementalAlterConfigs(
            Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("segment.bytes", "1000"), AlterConfigOp.OpType.SET))),
            new AlterConfigsOptions().validateOnly(true)).all().get();
        check(describe(admin, resource).get("segment.bytes").source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
            "validateOnly changed nothing");
        step("validateOnly: nothing changed");

        // Small segments, then a size limit: retention runs at once and the log start moves.
        alter(admin, resource, AlterConfigOp.OpType.SET, "segment.bytes", "300");
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "a value of some length " + i)).get();
            }
        }
        check(earliest(admin, partition) == 0, "nothing deleted yet");
        alter(admin, resource, AlterConfigOp.OpType.SET, "retention.bytes", "400");
        long start = earliest(admin, partition);
        check(start > 0, "retention.bytes applied at once, earliest offset " + start);
        step("retention.bytes takes effect at once: log starts at " + start);

        ConfigResource brokers = new ConfigResource(ConfigResource.Type.BROKER, "");
        alter(admin, brokers, AlterConfigOp.OpType.SET, "log.retention.ms", "7200000");
        ConfigEntry inherited = describe(admin, resource).get("retention.ms");
        check("7200000".equals(inherited.value()), "the topic inherits the broker default, got " + inherited);
        check(inherited.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, "source, got " + inherited);
        alter(admin, brokers, AlterConfigOp.OpType.DELETE, "log.retention.ms", null);
        check(!"7200000".equals(describe(admin, resource).get("retention.ms").value()), "broker default removed");
        step("broker default log.retention.ms: inherited by the topic as " + inherited.source());

        String broker = String.valueOf(admin.describeCluster().controller().get().id());
        ConfigResource self = new ConfigResource(ConfigResource.Type.BROKER, broker);
        Map<String, ConfigEntry> brokerConfigs = describe(admin, self);
        check(brokerConfigs.get("broker.id").isReadOnly(), "broker.id is read-only");
        check(!brokerConfigs.get("log.retention.ms").isReadOnly(), "log.retention.ms can change");
        Throwable fixed = cause(() -> alter(admin, self, AlterConfigOp.OpType.SET, "num.partitions", "5"));
        check(fixed instanceof InvalidConfigurationException, "a static broker config refused, got " + fixed);
        step("broker configs: " + brokerConfigs.size() + " described; num.partitions refused (" + fixed.getMessage() + ")");
    }

    /**
     * A compacted topic, kafka-topics --create --config cleanup.policy=compact style: its
     * configs described as the topic's own, cleanup.policy extended with APPEND and cut back with
     * SUBTRACT (kafka-configs --add-config 'cleanup.policy=[compact,delete]'), and a record
     * without a key refused while a keyed one is taken.
     */
    static void compaction(Admin admin, String bootstrap, String topic) throws Exception {
        Map<String, String> configs = new java.util.TreeMap<>(Map.of(
            "cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.25", "segment.ms", "600000"));
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<String, ConfigEntry> described = describe(admin, resource);
        for (Map.Entry<String, String> expected : configs.entrySet()) {
            ConfigEntry entry = described.get(expected.getKey());
            check(entry != null && expected.getValue().equals(entry.value()),
                expected.getKey() + "=" + expected.getValue() + " described, got " + entry);
            check(entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "source topic, got " + entry);
        }
        step("createTopics with " + configs + ": described as DYNAMIC_TOPIC_CONFIG");

        alter(admin, resource, AlterConfigOp.OpType.APPEND, "cleanup.policy", "delete");
        ConfigEntry policy = describe(admin, resource).get("cleanup.policy");
        check("compact,delete".equals(policy.value()), "APPEND delete gives compact,delete, got " + policy);
        check(policy.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, "source topic, got " + policy);
        step("incrementalAlterConfigs APPEND cleanup.policy delete: " + policy.value());

        alter(admin, resource, AlterConfigOp.OpType.SUBTRACT, "cleanup.policy", "delete");
        policy = describe(admin, resource).get("cleanup.policy");
        check("compact".equals(policy.value()), "SUBTRACT delete gives compact, got " + policy);
        step("incrementalAlterConfigs SUBTRACT cleanup.policy delete: " + policy.value());

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            Throwable keyless = cause(() -> producer.send(new ProducerRecord<>(topic, 0, null, "no key")).get());
            check(keyless instanceof InvalidRecordException, "a record without a key refused, got " + keyless);
            step("produce without a key: InvalidRecordException (" + keyless.getMessage() + ")");
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, 0, "key", "value")).get();
            check(sent.hasOffset() && sent.offset() >= 0, "the keyed record has an offset, got " + sent);
            step("produce with a key: offset " + sent.offset());
        }
    }

    /**
     * deleteRecords: the low watermark moves, earliest follows, a consumer below it resets,
     * and an offset past the end is refused.
     */
    static void records(Admin admin, String bootstrap, String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "value-" + i)).get();
            }
        }
        DeletedRecords deleted =
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(partition).get();
        check(deleted.lowWatermark() == 4, "low watermark 4, got " + deleted.lowWatermark());
        check(earliest(admin, partition) == 4, "earliest offset 4");
        step("deleteRecords before 4: low watermark " + deleted.lowWatermark() + ", earliest 4");

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, null))) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 1);
            long[] first = {-1};
            pollUntil(consumer, () -> first[0] >= 0, "a record after the reset", records -> {
                for (ConsumerRecord<String, String> record : records) {
                    if (first[0] < 0) {
                        first[0] = record.offset();
                    }
                }
            });
            check(first[0] == 4, "the consumer at offset 1 reset to 4, got " + first[0]);
        }
        step("a consumer at offset 1 reset to the new start, 4");

        Throwable beyond = cause(() ->
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(99))).all().get());
        check(beyond instanceof OffsetOutOfRangeException, "past the end refused, got " + beyond);
        step("deleteRecords past the end: OffsetOutOfRangeException");
    }

    interface RecordSink {
        void accept(ConsumerRecords<String, String> records);
    }

    static void pollUntil(KafkaConsumer<String, String> consumer, Condition condition, String what) throws Exception {
        pollUntil(consumer, condition, what, records -> { });
    }

    static void pollUntil(KafkaConsumer<String, String> consumer, Condition condition, String what, RecordSink sink)
            throws Exception {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            sink.accept(consumer.poll(Duration.ofMillis(200)));
            if (condition.holds()) {
                return;
            }
        }
        fail("timed out waiting for: " + what);
    }

    static void alter(Admin admin, ConfigResource resource, AlterConfigOp.OpType op, String key, String value)
            throws Exception {
        AlterConfigOp change = new AlterConfigOp(new ConfigEntry(key, value), op);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(change))).all().get();
    }

    static Map<String, ConfigEntry> describe(Admin admin, ConfigResource resource) throws Exception {
        DescribeConfigsOptions options = new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true);
        Config config = admin.describeConfigs(List.of(resource), options).all().get().get(resource);
        Map<String, ConfigEntry> entries = new java.util.TreeMap<>();
        for (ConfigEntry entry : config.entries()) {
            entries.put(entry.name(), entry);
        }
        return entries;
    }

    static int partitionCount(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    static long earliest(Admin admin, TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get().offset();
    }
}
