import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Drives a broker the way kafka-console-producer, kafka-console-consumer, kafka-topics and
 * kafka-consumer-groups do, with the client defaults those tools use: an idempotent producer
 * with acks=all, a group consumer reading from the beginning and committing, and the admin
 * calls behind topic and group listings. Prints one line per step; exits 1 on the first
 * failed check.
 *
 * Usage: ClientCheck BOOTSTRAP TOPIC GROUP (tools | codecs)
 */
public final class ClientCheck extends Checks {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            fail("usage: ClientCheck BOOTSTRAP TOPIC GROUP (tools | codecs)");
        }
        String bootstrap = args[0], topic = args[1], group = args[2];
        switch (args[3]) {
            case "tools": tools(bootstrap, topic, group); break;
            case "codecs": codecs(bootstrap, topic); break;
            default: fail("unknown mode " + args[3]);
        }
        System.out.println("ALL CHECKS PASSED");
    }

    static void tools(String bootstrap, String topic, String group) throws Exception {
        try (Admin admin = Admin.create(adminProps(bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            waitUntil(() -> admin.listTopics().names().get().contains(topic), "topic listed");
            step("admin created and listed topic " + topic);

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            check(config != null, "describeConfigs returned the topic");
            ConfigEntry compression = config.get("compression.type");
            check(compression != null && compression.value() != null,
                    "topic config compression.type present, got " + names(config.entries()));
            step("admin described topic configs: " + config.entries().size() + " entries, compression.type="
                    + compression.value());
        }

        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, i % 2, "key-" + i, "value-" + i)));
            }
            for (Future<RecordMetadata> future : futures) {
                sent.add(future.get());
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            check(sent.get(i).partition() == i % 2 && sent.get(i).offset() == i / 2,
                    "record " + i + " acknowledged at " + sent.get(i));
        }
        step("idempotent producer (acks=all) wrote 40 records at dense offsets");

        try (Admin admin = Admin.create(adminProps(bootstrap));
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, group))) {
            consumer.subscribe(List.of(topic));
            Map<String, String> seen = new TreeMap<>();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (seen.size() < 40 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    check(record.value().equals("value-" + record.key().substring(4)), "record " + record);
                    seen.put(record.key(), record.value());
                }
            }
            check(seen.size() == 40, "consumed 40 distinct records, got " + seen.size());
            consumer.commitSync();
            step("group consumer read all 40 records from the beginning and committed");

            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(
                    Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
            for (int p = 0; p < 2; p++) {
                OffsetAndMetadata offset = committed.get(new TopicPartition(topic, p));
                check(offset != null && offset.offset() == 20, "committed offset of partition " + p + ": " + offset);
            }

            Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get();
            check(groups.stream().anyMatch(g -> g.groupId().equals(group)), "group listed among " + groups);
            step("admin listed group " + group);

            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group).get();
            check(description.members().size() == 1, "one member, got " + description.members());
            MemberDescription member = description.members().iterator().next();
            Set<TopicPartition> assigned = new HashSet<>(member.assignment().topicPartitions());
            check(assigned.equals(Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1))),
                    "member owns both partitions, got " + assigned);
            // The enum prints as Kafka names the state ("Stable").
            check(description.state().toString().equals("Stable"), "group state " + description.state());
            step("admin described group: state " + description.state() + ", member " + member.clientId());

            Map<TopicPartition, OffsetAndMetadata> listed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            check(listed.get(new TopicPartition(topic, 0)).offset() == 20
                    && listed.get(new TopicPartition(topic, 1)).offset() == 20, "group offsets " + listed);
            step("admin listed group offsets " + listed.values());
        }

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            producer.send(new ProducerRecord<>(topic, 1, "key-late", "value-late")).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, group))) {
            consumer.subscribe(List.of(topic));
            List<String> resumed = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (resumed.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> resumed.add(r.partition() + "@" + r.offset() + "=" + r.value()));
            }
            consumer.poll(Duration.ofSeconds(2)).forEach(r -> resumed.add(r.partition() + "@" + r.offset() + "=" + r.value()));
            check(resumed.equals(List.of("1@20=value-late")), "second run resumes after the commit, got " + resumed);
            step("a second group run resumed after the committed offsets");
        }
    }

    static void codecs(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(adminProps(bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        String[] codecs = {"none", "gzip", "snappy", "lz4", "zstd"};
        List<String> expected = new ArrayList<>();
        for (String codec : codecs) {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, codec))) {
                List<Future<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    String value = codec + "-" + i + "-" + "payload".repeat(i);
                    expected.add(value);
                    futures.add(producer.send(new ProducerRecord<>(topic, 0, codec, value)));
                }
                for (Future<RecordMetadata> future : futures) {
                    future.get();
                }
            }
            step("produced 25 records with compression.type=" + codec);
        }
        Properties props = consumerProps(bootstrap, null);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (values.size() < expected.size() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    check(record.offset() == values.size(), "offset " + record.offset() + " at position " + values.size());
                    values.add(record.value());
                }
            }
            check(values.equals(expected), "read back " + values.size() + " of " + expected.size() + " records in order");
        }
        step("consumed every codec's records back in order");
    }

    static List<String> names(Collection<ConfigEntry> entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.name()));
        Collections.sort(out);
        return out;
    }
}
