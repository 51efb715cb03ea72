import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Kafka's ACLs with the Java client, on the SASL_PLAINTEXT listener of a broker started with
 * --authorizer acls and ADMIN as its super user. ADMIN creates ACLs with createAcls (a literal
 * topic Read for ALICE, a prefixed topic Write, a DENY that wins over that ALLOW, a Describe for
 * User:*, a group Read, a transactional id Write) and finds them with describeAcls (any, MATCH on a
 * topic name, by principal). ALICE lists only the topics she may describe, produces and consumes
 * where she may, commits a transaction, and is refused elsewhere with the exception Kafka's
 * clients map each authorization error to: TopicAuthorizationException, GroupAuthorizationException,
 * TransactionalIdAuthorizationException, ClusterAuthorizationException. Her listings of groups and
 * transactions leave out what she may not describe. ADMIN's deleteAcls returns the removed
 * bindings and ALICE is refused what they allowed. Prints one line per step; exits 1 on the first
 * failed check.
 *
 * Usage: AclCheck SASL_BOOTSTRAP PREFIX ADMIN ADMIN_PASSWORD ALICE ALICE_PASSWORD
 */
public final class AclCheck extends Checks {
    static final String MECHANISM = "SCRAM-SHA-512";

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            fail("usage: AclCheck SASL_BOOTSTRAP PREFIX ADMIN ADMIN_PASSWORD ALICE ALICE_PASSWORD");
        }
        Names names = new Names(args[0], args[1], args[2], args[3], args[4], args[5]);
        try (Admin admin = Admin.create(names.admin(SaslCheck.quickAdmin(names.bootstrap)));
             Admin alice = Admin.create(names.alice(SaslCheck.quickAdmin(names.bootstrap)))) {
            List<AclBinding> bindings = setUp(admin, names);
            describeWithFilters(admin, names, bindings);
            produceAndConsume(alice, names);
            transactions(admin, alice, names);
            adminCalls(admin, alice, names);
            deleteAcls(admin, names, bindings);
        }
        System.out.println("ALL CHECKS PASSED");
    }

    /** The resources of one run, all named after PREFIX, and the two users' logins. */
    static final class Names {
        final String bootstrap;
        final String prefix;
        final String adminUser;
        final String adminPassword;
        final String aliceUser;
        final String alicePassword;
        final String alice;
        /** ALICE: Read. */
        final String readable;
        /** Under ALICE's prefixed Write. */
        final String mine;
        /** Under ALICE's prefixed Write, and a DENY of Write for her. */
        final String denied;
        /** No ACL at all. */
        final String forbidden;
        /** User:*: Describe. */
        final String shown;
        /** ALICE: Read. */
        final String group;
        /** ALICE: Write. */
        final String transactionalId;
        /** Only ADMIN's. */
        final String adminGroup;
        final String adminTransactionalId;

        Names(String bootstrap, String prefix, String adminUser, String adminPassword, String aliceUser,
              String alicePassword) {
            this.bootstrap = bootstrap;
            this.prefix = prefix;
            this.adminUser = adminUser;
            this.adminPassword = adminPassword;
            this.aliceUser = aliceUser;
            this.alicePassword = alicePassword;
            alice = "User:" + aliceUser;
            readable = prefix + "-read";
            mine = prefix + "-alice.out";
            denied = prefix + "-alice.denied";
            forbidden = prefix + "-forbidden";
            shown = prefix + "-shown";
            group = prefix + "-group";
            transactionalId = prefix + "-txn";
            adminGroup = prefix + "-admin-group";
            adminTransactionalId = prefix + "-admin-txn";
        }

        Properties admin(Properties props) {
            return SaslCheck.sasl(props, MECHANISM, adminUser, adminPassword);
        }

        Properties alice(Properties props) {
            return SaslCheck.sasl(props, MECHANISM, aliceUser, alicePassword);
        }
    }

    static AclBinding binding(ResourceType type, String name, PatternType pattern, String principal,
                              AclOperation operation, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
            new AccessControlEntry(principal, "*", operation, permission));
    }

    /**
     * ADMIN makes the topics, writes 3 records to the readable one, commits an offset for a
     * group of its own, starts a transactional producer of its own and creates the ACLs.
     */
    static List<AclBinding> setUp(Admin admin, Names n) throws Exception {
        admin.createTopics(List.of(n.readable, n.mine, n.denied, n.forbidden, n.shown).stream()
            .map(name -> new NewTopic(name, 1, (short) 1)).collect(Collectors.toList())).all().get();
        Properties producerProps = n.admin(producerProps(n.bootstrap, "none"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(n.readable, 0, "k" + i, "v" + i)).get();
            }
        }
        TopicPartition readable = new TopicPartition(n.readable, 0);
        admin.alterConsumerGroupOffsets(n.adminGroup, Map.of(readable, new OffsetAndMetadata(1))).all().get();
        try (KafkaProducer<String, String> producer = transactional(n.admin(producerProps(n.bootstrap, "none")),
                n.adminTransactionalId)) {
            producer.initTransactions();
        }

        List<AclBinding> bindings = List.of(
            binding(ResourceType.TOPIC, n.readable, PatternType.LITERAL, n.alice, AclOperation.READ,
                AclPermissionType.ALLOW),
            binding(ResourceType.TOPIC, n.prefix + "-alice.", PatternType.PREFIXED, n.alice, AclOperation.WRITE,
                AclPermissionType.ALLOW),
            binding(ResourceType.TOPIC, n.denied, PatternType.LITERAL, n.alice, AclOperation.WRITE,
                AclPermissionType.DENY),
            binding(ResourceType.TOPIC, n.shown, PatternType.LITERAL, "User:*", AclOperation.DESCRIBE,
                AclPermissionType.ALLOW),
            binding(ResourceType.GROUP, n.group, PatternType.LITERAL, n.alice, AclOperation.READ,
                AclPermissionType.ALLOW),
            binding(ResourceType.TRANSACTIONAL_ID, n.transactionalId, PatternType.LITERAL, n.alice,
                AclOperation.WRITE, AclPermissionType.ALLOW));
        admin.createAcls(bindings).all().get();
        step("createAcls: " + bindings.size() + " bindings");
        return bindings;
    }

    static void describeWithFilters(Admin admin, Names n, List<AclBinding> bindings) throws Exception {
        Collection<AclBinding> all = admin.describeAcls(AclBindingFilter.ANY).values().get();
        check(all.containsAll(bindings), "describeAcls ANY lists every binding created, got " + all);
        step("describeAcls ANY: " + all.size() + " bindings, the " + bindings.size() + " created among them");

        // MATCH selects what applies to one name: its literal ACLs and the prefixes it starts with.
        AclBindingFilter match = new AclBindingFilter(
            new ResourcePatternFilter(ResourceType.TOPIC, n.denied, PatternType.MATCH), AccessControlEntryFilter.ANY);
        Set<AclBinding> matched = new HashSet<>(admin.describeAcls(match).values().get());
        check(matched.equals(Set.of(bindings.get(1), bindings.get(2))),
            "describeAcls MATCH " + n.denied + ": the prefixed ALLOW and the literal DENY, got " + matched);
        step("describeAcls MATCH " + n.denied + ": " + matched.size() + " bindings");

        AclBindingFilter byPrincipal = new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter(n.alice, null, AclOperation.ANY, AclPermissionType.ANY));
        Set<AclBinding> hers = admin.describeAcls(byPrincipal).values().get().stream()
            .filter(b -> b.pattern().name().startsWith(n.prefix)).collect(Collectors.toSet());
        Set<AclBinding> expected = bindings.stream()
            .filter(b -> b.entry().principal().equals(n.alice)).collect(Collectors.toSet());
        check(hers.equals(expected), "describeAcls by principal " + n.alice + ": " + expected + ", got " + hers);
        step("describeAcls by principal " + n.alice + ": " + hers.size() + " bindings");
    }

    /** `call` fails with `type` (itself or in its cause chain); returns "WHAT: Type" for a step line. */
    static String refused(String what, Class<? extends Throwable> type, Call call) {
        Throwable error = caught(call);
        check(find(error, type) != null, what + " fails with " + type.getSimpleName() + ", got " + describe(error));
        return what + ": " + type.getSimpleName();
    }

    /** What a consumer's polls throw within WAIT, or null. */
    static Throwable pollFailure(KafkaConsumer<String, String> consumer) {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Throwable error = caught(() -> consumer.poll(Duration.ofMillis(200)));
            if (error != null) {
                return error;
            }
        }
        return null;
    }

    static Properties aliceProducer(Names n) {
        Properties props = n.alice(producerProps(n.bootstrap, "none"));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, SaslCheck.TIMEOUT_MS);
        return props;
    }

    static KafkaProducer<String, String> transactional(Properties props, String id) {
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        return new KafkaProducer<>(props);
    }

    static void produceAndConsume(Admin alice, Names n) throws Exception {
        Set<String> listed = alice.listTopics().names().get().stream()
            .filter(name -> name.startsWith(n.prefix)).collect(Collectors.toCollection(TreeSet::new));
        check(listed.equals(new TreeSet<>(Set.of(n.readable, n.mine, n.denied, n.shown))),
            "listTopics as alice: what Read, Write and User:* Describe imply, got " + listed);
        step("listTopics as alice: " + listed);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(aliceProducer(n))) {
            long offset = producer.send(new ProducerRecord<>(n.mine, 0, "k", "mine")).get().offset();
            check(offset == 0, "alice's record at offset 0 of " + n.mine + ", got " + offset);
        }
        step("produced to " + n.mine + " as alice under her prefixed Write");
        for (String topic : List.of(n.forbidden, n.denied)) {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(aliceProducer(n))) {
                step(refused("produce to " + topic, TopicAuthorizationException.class,
                    () -> producer.send(new ProducerRecord<>(topic, 0, "k", "refused")).get()));
            }
        }

        TopicPartition partition = new TopicPartition(n.readable, 0);
        Properties consumerProps = n.alice(consumerProps(n.bootstrap, n.group));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(n.readable));
            List<String> read = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (read.size() < 3 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> read.add(record.value()));
            }
            check(read.equals(List.of("v0", "v1", "v2")), "alice reads v0..v2 in group " + n.group + ", got " + read);
            consumer.commitSync();
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            check(committed != null && committed.offset() == 3, "committed offset 3, got " + committed);
        }
        step("read 3 records of " + n.readable + " in group " + n.group + " and committed offset 3");

        String other = n.prefix + "-other-group";
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(n.alice(consumerProps(n.bootstrap, other)))) {
            consumer.subscribe(List.of(n.readable));
            Throwable error = pollFailure(consumer);
            check(find(error, GroupAuthorizationException.class) != null,
                "a consumer in " + other + " fails with GroupAuthorizationException, got " + describe(error));
        }
        step("other group: GroupAuthorizationException for " + other);
    }

    static void transactions(Admin admin, Admin alice, Names n) throws Exception {
        try (KafkaProducer<String, String> producer = transactional(aliceProducer(n), n.transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(n.mine, 0, "k", "in a transaction")).get();
            producer.commitTransaction();
        }
        step("transaction committed by alice with " + n.transactionalId + " to " + n.mine);

        String unknown = n.prefix + "-stranger-txn";
        try (KafkaProducer<String, String> producer = transactional(aliceProducer(n), unknown)) {
            step(refused("unknown transactional id", TransactionalIdAuthorizationException.class,
                producer::initTransactions));
        }

        Set<String> ids = alice.listTransactions().all().get().stream().map(TransactionListing::transactionalId)
            .filter(id -> id.startsWith(n.prefix)).collect(Collectors.toSet());
        check(ids.equals(Set.of(n.transactionalId)), "listTransactions as alice: only her id, got " + ids);
        Set<String> all = admin.listTransactions().all().get().stream().map(TransactionListing::transactionalId)
            .collect(Collectors.toSet());
        check(all.containsAll(Set.of(n.transactionalId, n.adminTransactionalId)),
            "listTransactions as admin: both ids, got " + all);
        step("listTransactions as alice: " + ids);
        step(refused("describeTransactions " + n.adminTransactionalId, TransactionalIdAuthorizationException.class,
            () -> alice.describeTransactions(List.of(n.adminTransactionalId)).all().get()));
    }

    /** Admin calls ALICE has no ACL for, and the groups she may list. */
    static void adminCalls(Admin admin, Admin alice, Names n) throws Exception {
        TopicPartition partition = new TopicPartition(n.readable, 0);
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, n.readable);
        String node = String.valueOf(admin.describeCluster().nodes().get().iterator().next().id());
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
        Class<TopicAuthorizationException> onTopic = TopicAuthorizationException.class;
        Class<ClusterAuthorizationException> onCluster = ClusterAuthorizationException.class;
        Class<GroupAuthorizationException> onGroup = GroupAuthorizationException.class;
        AclBinding any = binding(ResourceType.TOPIC, n.forbidden, PatternType.LITERAL, n.alice, AclOperation.READ,
            AclPermissionType.ALLOW);

        step(refused("deleteTopics " + n.readable, onTopic, () -> alice.deleteTopics(List.of(n.readable)).all().get()));
        step(refused("createTopics " + n.prefix + "-new", onTopic,
            () -> alice.createTopics(List.of(new NewTopic(n.prefix + "-new", 1, (short) 1))).all().get()));
        step(refused("createPartitions " + n.readable, onTopic,
            () -> alice.createPartitions(Map.of(n.readable, NewPartitions.increaseTo(2))).all().get()));
        step(refused("deleteRecords " + partition, onTopic,
            () -> alice.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(1))).all().get()));
        step(refused("describeConfigs topic " + n.readable, onTopic,
            () -> alice.describeConfigs(List.of(topic)).all().get()));
        step(refused("describeConfigs broker " + node, onCluster,
            () -> alice.describeConfigs(List.of(broker)).all().get()));
        step(refused("describeLogDirs", onCluster,
            () -> alice.describeLogDirs(List.of(Integer.parseInt(node))).allDescriptions().get()));
        step(refused("describeUserScramCredentials", onCluster,
            () -> alice.describeUserScramCredentials().all().get()));
        step(refused("alice createAcls", onCluster, () -> alice.createAcls(List.of(any)).all().get()));
        step(refused("alice describeAcls", onCluster, () -> alice.describeAcls(AclBindingFilter.ANY).values().get()));
        step(refused("alice deleteAcls", onCluster, () -> alice.deleteAcls(List.of(any.toFilter())).all().get()));

        Set<String> groups = alice.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
            .filter(id -> id.startsWith(n.prefix)).collect(Collectors.toSet());
        check(groups.equals(Set.of(n.group)), "listConsumerGroups as alice: only " + n.group + ", got " + groups);
        Set<String> every = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
            .collect(Collectors.toSet());
        check(every.containsAll(Set.of(n.group, n.adminGroup)), "listConsumerGroups as admin: both, got " + every);
        step("listConsumerGroups as alice: " + groups);
        step(refused("describeConsumerGroups " + n.adminGroup, onGroup,
            () -> alice.describeConsumerGroups(List.of(n.adminGroup)).all().get()));
        step(refused("deleteConsumerGroups " + n.adminGroup, onGroup,
            () -> alice.deleteConsumerGroups(List.of(n.adminGroup)).all().get()));
    }

    /** ADMIN removes the Read of the readable topic, then everything else created. */
    static void deleteAcls(Admin admin, Names n, List<AclBinding> bindings) throws Exception {
        AclBinding read = bindings.get(0);
        Collection<AclBinding> removed = admin.deleteAcls(List.of(read.toFilter())).all().get();
        check(List.copyOf(removed).equals(List.of(read)), "deleteAcls returns " + read + ", got " + removed);
        step("deleteAcls: removed " + removed);

        TopicPartition partition = new TopicPartition(n.readable, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(n.alice(consumerProps(n.bootstrap, null)))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Throwable error = pollFailure(consumer);
            check(find(error, TopicAuthorizationException.class) != null,
                "reading " + n.readable + " without the ACL fails with TopicAuthorizationException, got "
                    + describe(error));
        }
        step("read " + n.readable + " again as alice: TopicAuthorizationException");

        List<AclBindingFilter> rest = bindings.subList(1, bindings.size()).stream().map(AclBinding::toFilter)
            .collect(Collectors.toList());
        Set<AclBinding> gone = new HashSet<>(admin.deleteAcls(rest).all().get());
        check(gone.equals(new HashSet<>(bindings.subList(1, bindings.size()))), "deleteAcls of the rest, got " + gone);
        step("deleteAcls: the other " + gone.size() + " bindings");
    }
}
