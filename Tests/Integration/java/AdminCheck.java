import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Java AdminClient calls behind kafka-topics, kafka-configs, kafka-consumer-groups,
 * kafka-acls and kafka-leader-election, against one broker. Prints one line per step; exits 1
 * on the first failed check.
 *
 * Usage: AdminCheck BOOTSTRAP TOPIC GROUP (cluster | groups | offsets)
 */
public final class AdminCheck extends Checks {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            fail("usage: AdminCheck BOOTSTRAP TOPIC GROUP (cluster | groups | offsets)");
        }
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        try (Admin admin = Admin.create(adminProps(bootstrap))) {
            switch (args[3]) {
                case "cluster":
                    cluster(admin, bootstrap, topic);
                    break;
                case "groups":
                    groups(admin, bootstrap, topic, group);
                    break;
                case "offsets":
                    offsets(admin, bootstrap, topic, group);
                    break;
                default:
                    fail("unknown mode " + args[3]);
            }
        }
        System.out.println("ALL CHECKS PASSED");
    }

    /**
     * describeCluster, electLeaders, describeLogDirs and the ACL calls of a single broker
     * without an authorizer.
     */
    static void cluster(Admin admin, String bootstrap, String topic) throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        Collection<Node> nodes = cluster.nodes().get();
        Node controller = cluster.controller().get();
        String clusterId = cluster.clusterId().get();
        check(nodes.size() == 1, "one broker, got " + nodes);
        check(controller != null && controller.id() == nodes.iterator().next().id(), "the broker is the controller");
        check(clusterId != null && !clusterId.isEmpty(), "a cluster id");
        step("describeCluster: " + nodes.size() + " node, controller " + controller.id() + ", cluster " + clusterId);

        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        TopicPartition first = new TopicPartition(topic, 0);
        TopicPartition missing = new TopicPartition(topic, 7);
        Map<TopicPartition, Optional<Throwable>> elected =
            admin.electLeaders(ElectionType.PREFERRED, Set.of(first, missing)).partitions().get();
        check(elected.get(first).orElse(null) instanceof ElectionNotNeededException,
            "partition 0 needs no election, got " + elected.get(first));
        check(elected.get(missing).orElse(null) instanceof UnknownTopicOrPartitionException,
            "partition 7 does not exist, got " + elected.get(missing));
        step("electLeaders: ElectionNotNeeded for an existing partition, UnknownTopicOrPartition for another");

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            producer.send(new ProducerRecord<>(topic, 0, "key", "a value to take some room")).get();
        }
        int broker = nodes.iterator().next().id();
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(broker)).allDescriptions().get().get(broker);
        check(dirs != null && dirs.size() == 1, "one log directory, got " + dirs);
        LogDirDescription dir = dirs.values().iterator().next();
        ReplicaInfo written = dir.replicaInfos().get(first);
        ReplicaInfo empty = dir.replicaInfos().get(new TopicPartition(topic, 1));
        check(written != null && written.size() > 0, "partition 0 holds bytes, got " + written);
        check(empty != null && empty.size() == 0, "partition 1 is empty, got " + empty);
        check(dir.totalBytes().isPresent() && dir.usableBytes().isPresent(), "the disk's total and usable bytes");
        step("describeLogDirs: " + dirs.keySet().iterator().next() + ", partition 0 " + written.size() + " bytes");

        Collection<AclBinding> acls = admin.describeAcls(AclBindingFilter.ANY).values().get();
        check(acls.isEmpty(), "no ACLs, got " + acls);
        step("describeAcls: none");

        AclBinding binding = new AclBinding(
            new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
            new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW));
        Throwable refused = cause(() -> admin.createAcls(List.of(binding)).all().get());
        check(refused instanceof SecurityDisabledException, "createAcls refused as security disabled, got " + refused);
        step("createAcls: SecurityDisabledException (" + refused.getMessage() + ")");

        Collection<AclBinding> deleted = admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get();
        check(deleted.isEmpty(), "nothing to delete, got " + deleted);
        step("deleteAcls: nothing matched");
    }

    /**
     * A member of a new group that read the 3 records an idempotent producer wrote to a new
     * one-partition topic and committed.
     */
    static KafkaConsumer<String, String> committedMember(Admin admin, String bootstrap, String topic, String group)
            throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
            }
        }
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, group));
        consumer.subscribe(List.of(topic));
        int read = 0;
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (read < 3 && System.currentTimeMillis() < deadline) {
            read += consumer.poll(Duration.ofMillis(500)).count();
        }
        check(read == 3, "the consumer read 3 records, got " + read);
        consumer.commitSync();
        step("a member of " + group + " read and committed 3 records");
        return consumer;
    }

    /**
     * deleteConsumerGroupOffsets (kafka-consumer-groups --delete-offsets): refused for a topic a
     * member subscribes to, done once it left; describeProducers (kafka-transactions
     * describe-producers) shows the idempotent producer.
     */
    static void offsets(Admin admin, String bootstrap, String topic, String group) throws Exception {
        KafkaConsumer<String, String> consumer = committedMember(admin, bootstrap, topic, group);
        TopicPartition partition = new TopicPartition(topic, 0);
        Throwable subscribed = cause(() -> admin.deleteConsumerGroupOffsets(group, Set.of(partition)).all().get());
        check(subscribed instanceof GroupSubscribedToTopicException, "subscribed topic kept, got " + subscribed);
        step("deleteConsumerGroupOffsets with a subscribed member: GroupSubscribedToTopicException");

        consumer.close();
        admin.deleteConsumerGroupOffsets(group, Set.of(partition)).all().get();
        Map<TopicPartition, OffsetAndMetadata> left =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        check(left.get(partition) == null, "the offset of " + partition + " deleted, got " + left);
        step("deleteConsumerGroupOffsets after the member left: offset deleted");

        Throwable unknown = cause(() ->
            admin.deleteConsumerGroupOffsets(group + "-unknown", Set.of(partition)).all().get());
        check(unknown instanceof GroupIdNotFoundException, "an unknown group is not found, got " + unknown);
        step("deleteConsumerGroupOffsets of an unknown group: GroupIdNotFoundException");

        List<ProducerState> producers =
            admin.describeProducers(List.of(partition)).partitionResult(partition).get().activeProducers();
        check(producers.size() == 1, "one idempotent producer, got " + producers);
        ProducerState producer = producers.get(0);
        check(producer.lastSequence() == 2, "its last sequence is 2, got " + producer);
        check(producer.lastTimestamp() > 0, "its last timestamp, got " + producer);
        check(producer.currentTransactionStartOffset().isEmpty(), "no open transaction, got " + producer);
        step("describeProducers: producer " + producer.producerId() + " epoch " + producer.producerEpoch()
            + " last sequence " + producer.lastSequence());
    }

    /** deleteConsumerGroups: refused while members remain, then the group and its offsets go. */
    static void groups(Admin admin, String bootstrap, String topic, String group) throws Exception {
        KafkaConsumer<String, String> consumer = committedMember(admin, bootstrap, topic, group);

        Throwable busy = cause(() -> admin.deleteConsumerGroups(List.of(group)).all().get());
        check(busy instanceof GroupNotEmptyException, "a group with a member is not deleted, got " + busy);
        step("deleteConsumerGroups with a member: GroupNotEmptyException");

        consumer.close();
        admin.deleteConsumerGroups(List.of(group)).all().get();
        Map<TopicPartition, OffsetAndMetadata> left =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        check(left.values().stream().allMatch(o -> o == null), "no committed offsets left, got " + left);
        step("deleteConsumerGroups after the member left: deleted with its offsets");

        Throwable unknown = cause(() -> admin.deleteConsumerGroups(List.of(group + "-unknown")).all().get());
        check(unknown instanceof GroupIdNotFoundException, "an unknown group is not found, got " + unknown);
        step("deleteConsumerGroups of an unknown group: GroupIdNotFoundException");
    }
}
