import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Kafka transactions with the Java client, as Kafka Streams and every exactly-once pipeline use
 * them: commit and abort seen through read_committed and read_uncommitted consumers and the last
 * stable offset, consume-transform-produce with offsets committed in the transaction, fencing of
 * a zombie producer, the coordinator aborting a transaction that timed out, and the admin calls
 * behind kafka-transactions (list, describe, describe-producers, abort), and kafka-features
 * choosing the transaction protocol. Prints one line per step; exits 1 on the first failed check.
 *
 * Usage: TransactionCheck BOOTSTRAP TOPIC_PREFIX GROUP (commit | ctp | fencing | timeout | admin | features)
 */
public final class TransactionCheck extends Checks {

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            fail("usage: TransactionCheck BOOTSTRAP TOPIC_PREFIX GROUP (commit | ctp | fencing | timeout | admin"
                + " | features)");
        }
        String bootstrap = args[0];
        String prefix = args[1];
        String group = args[2];
        try (Admin admin = Admin.create(adminProps(bootstrap))) {
            switch (args[3]) {
                case "commit":
                    commitAndAbort(admin, bootstrap, prefix);
                    break;
                case "ctp":
                    consumeTransformProduce(admin, bootstrap, prefix, group);
                    break;
                case "fencing":
                    fencing(admin, bootstrap, prefix);
                    break;
                case "timeout":
                    timeout(admin, bootstrap, prefix);
                    break;
                case "admin":
                    adminCalls(admin, bootstrap, prefix);
                    break;
                case "features":
                    features(admin, bootstrap, prefix);
                    break;
                default:
                    fail("unknown mode " + args[3]);
            }
        }
        System.out.println("ALL CHECKS PASSED");
    }

    /**
     * Two committed transactions around an aborted one: read_committed reads exactly the
     * committed records, read_uncommitted all of them, and every transaction leaves one marker per
     * partition. While a transaction is open, the last stable offset stays at its first record.
     */
    static void commitAndAbort(Admin admin, String bootstrap, String prefix) throws Exception {
        String topic = prefix + "-data";
        List<TopicPartition> partitions = createTopic(admin, topic, 3);
        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap, prefix + "-txn", null);
             KafkaConsumer<String, String> committed = isolatedConsumer(bootstrap, "read_committed");
             KafkaConsumer<String, String> uncommitted = isolatedConsumer(bootstrap, "read_uncommitted")) {
            producer.initTransactions();
            step("initTransactions: " + prefix + "-txn");
            List<String> expected = new ArrayList<>();
            expected.addAll(transaction(producer, topic, "first-", 100, true));
            step("transaction 1: 100 records committed");
            transaction(producer, topic, "aborted-", 50, false);
            step("transaction 2: 50 records aborted");
            expected.addAll(transaction(producer, topic, "third-", 10, true));
            step("transaction 3: 10 records committed");

            // The broker finalizes transaction.version 2 (KIP-890): clients from 4.0 end each
            // transaction with EndTxn v5, which bumps the epoch; 3.x clients keep the first protocol.
            boolean bumps = !AppInfoParser.getVersion().startsWith("3.");
            int epoch = admin.describeTransactions(List.of(prefix + "-txn")).description(prefix + "-txn").get()
                .producerEpoch();
            check(epoch == (bumps ? 3 : 0), "producer epoch after 3 transactions: " + epoch);
            step("transaction protocol " + (bumps ? 2 : 1) + ": epoch " + epoch + " after 3 transactions");

            awaitStable(committed, uncommitted, partitions);
            List<String> readCommitted = readToEnd(committed, partitions);
            check(readCommitted.stream().noneMatch(v -> v.startsWith("aborted-")), "read_committed: no aborted record");
            check(readCommitted.size() == 110, "read_committed: 110 records, got " + readCommitted.size());
            check(new HashSet<>(readCommitted).equals(new HashSet<>(expected)), "read_committed: the committed values");
            step("read_committed: exactly the 110 committed records");

            List<String> readAll = readToEnd(uncommitted, partitions);
            long aborted = readAll.stream().filter(v -> v.startsWith("aborted-")).count();
            check(readAll.size() == 160 && aborted == 50, "read_uncommitted: 160 records, 50 aborted, got "
                + readAll.size() + " and " + aborted);
            step("read_uncommitted: all 160 records, 50 of them aborted");

            Map<TopicPartition, Long> ends = committed.endOffsets(partitions);
            check(ends.equals(uncommitted.endOffsets(partitions)), "end offsets agree with nothing open: " + ends);
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            check(total == 160 + 3 * 3, "160 records and 9 markers (3 transactions x 3 partitions), ends " + ends);
            step("end offsets agree with nothing open: " + total + " offsets (160 records, 9 markers)");

            producer.beginTransaction();
            List<String> open = sendAll(producer, topic, "open-", 20);
            producer.flush();
            Map<TopicPartition, Long> stable = committed.endOffsets(partitions);
            Map<TopicPartition, Long> high = uncommitted.endOffsets(partitions);
            check(stable.equals(ends), "read_committed end offsets stay at the open transaction's start: " + stable);
            for (TopicPartition partition : partitions) {
                long sent = open.stream().filter(v -> partitionOf(v) == partition.partition()).count();
                check(high.get(partition) == ends.get(partition) + sent, "read_uncommitted end of " + partition
                    + " is " + (ends.get(partition) + sent) + ", got " + high.get(partition));
            }
            step("open transaction: read_committed end offsets " + stable + " below read_uncommitted " + high);

            List<String> early = pollFor(committed, Duration.ofSeconds(2));
            check(early.isEmpty(), "read_committed gets nothing of an open transaction, got " + early);
            step("open transaction: read_committed gets none of its 20 records");

            producer.commitTransaction();
            awaitStable(committed, uncommitted, partitions);
            List<String> late = readToEnd(committed, partitions, false);
            check(new HashSet<>(late).equals(new HashSet<>(open)) && late.size() == 20,
                "after the commit read_committed gets the 20 records, got " + late);
            check(committed.endOffsets(partitions).equals(uncommitted.endOffsets(partitions)),
                "end offsets agree again after the commit");
            step("after commit: read_committed gets the 20 records, end offsets agree");
        }
    }

    /**
     * Consume-transform-produce: each poll's output and the input offsets are committed in one
     * transaction; the group's offsets end at the input's end and the output holds each record
     * once. An aborted transaction moves neither.
     */
    static void consumeTransformProduce(Admin admin, String bootstrap, String prefix, String group) throws Exception {
        String input = prefix + "-in";
        String output = prefix + "-out";
        List<TopicPartition> inputs = createTopic(admin, input, 3);
        List<TopicPartition> outputs = createTopic(admin, output, 3);
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            for (int i = 0; i < 200; i++) {
                plain.send(new ProducerRecord<>(input, i % 3, "k" + i, "in-" + i));
            }
            plain.flush();
        }
        step("input: 200 records");

        Properties props = consumerProps(bootstrap, group);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "40");
        Map<TopicPartition, Long> inputEnds;
        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap, prefix + "-ctp", null);
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            int processed = 0;
            int transactions = 0;
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (processed < 200 && System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> record : records) {
                    String value = "out-" + record.value();
                    producer.send(new ProducerRecord<>(output, record.partition(), record.key(), value));
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
                processed += records.count();
                transactions++;
            }
            check(processed == 200, "200 input records processed, got " + processed);
            check(transactions > 1, "more than one transaction, got " + transactions);
            step("consume-transform-produce: 200 records in " + transactions + " transactions");

            inputEnds = consumer.endOffsets(inputs);
            Map<TopicPartition, Long> ends = inputEnds;
            // The offsets become visible once the coordinator wrote the markers, just after the commit returned.
            waitUntil(() -> committedOffsets(admin, group).equals(ends), "group offsets equal input ends " + ends);
            Map<TopicPartition, Long> groupOffsets = committedOffsets(admin, group);
            step("group offsets committed in the transactions: " + new TreeMap<>(offsetsByPartition(groupOffsets)));

            List<String> out = readAll(bootstrap, "read_committed", outputs);
            check(out.size() == 200, "output read_committed: 200 records, got " + out.size());
            Set<String> wanted = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                wanted.add("out-in-" + i);
            }
            check(new HashSet<>(out).equals(wanted), "output: each input record transformed once");
            step("output read_committed: exactly 200 records, each input once");

            producer.beginTransaction();
            sendAll(producer, output, "discarded-", 6);
            Map<TopicPartition, OffsetAndMetadata> rewind = new HashMap<>();
            for (TopicPartition partition : inputs) {
                rewind.put(partition, new OffsetAndMetadata(0));
            }
            producer.sendOffsetsToTransaction(rewind, consumer.groupMetadata());
            producer.abortTransaction();
            List<String> after = readAll(bootstrap, "read_committed", outputs);
            check(after.size() == 200 && new HashSet<>(after).equals(wanted),
                "output still 200 after the abort, got " + after.size());
            Map<TopicPartition, Long> kept = committedOffsets(admin, group);
            check(kept.equals(inputEnds), "an aborted transaction's offsets are not committed, got " + kept);
            step("aborted transaction with offsets 0: group offsets unchanged, output still 200 records");
        }

        try (KafkaConsumer<String, String> resumed = new KafkaConsumer<>(props)) {
            resumed.subscribe(List.of(input));
            List<String> again = new ArrayList<>();
            waitUntil(() -> {
                resumed.poll(Duration.ofMillis(200)).forEach(record -> again.add(record.value()));
                return resumed.assignment().size() == 3;
            }, "the new member is assigned the input's 3 partitions");
            again.addAll(pollFor(resumed, Duration.ofSeconds(2)));
            check(again.isEmpty(), "a new member of the group resumes at the end, got " + again.size() + " records");
            for (TopicPartition partition : inputs) {
                check(resumed.position(partition) == inputEnds.get(partition), "position of " + partition);
            }
            step("a new member of " + group + " resumes at the committed end: 0 records");
        }
    }

    /**
     * A second producer with the same transactional.id fences the first: the first one's open
     * transaction is aborted, its next send and commit fail, the second one commits.
     */
    static void fencing(Admin admin, String bootstrap, String prefix) throws Exception {
        String topic = prefix + "-fence";
        List<TopicPartition> partitions = createTopic(admin, topic, 1);
        String id = prefix + "-shared-id";
        KafkaProducer<String, String> zombie = transactionalProducer(bootstrap, id, null);
        try {
            zombie.initTransactions();
            zombie.beginTransaction();
            for (int i = 0; i < 5; i++) {
                zombie.send(new ProducerRecord<>(topic, 0, "a", "zombie-" + i));
            }
            zombie.flush();
            step("producer A: 5 records of an open transaction flushed");

            try (KafkaProducer<String, String> successor = transactionalProducer(bootstrap, id, null)) {
                successor.initTransactions();
                step("producer B with the same transactional.id: initTransactions");

                Throwable onSend = caught(() -> zombie.send(new ProducerRecord<>(topic, 0, "a", "zombie-late")).get());
                check(isFencing(onSend), "A's send after B's init is refused as fenced, got " + causes(onSend));
                step("producer A's send fails: " + causes(onSend));
                Throwable onCommit = caught(zombie::commitTransaction);
                check(isFencing(onCommit), "A's commit is refused as fenced, got " + causes(onCommit));
                step("producer A's commit fails: " + causes(onCommit));

                successor.beginTransaction();
                for (int i = 0; i < 3; i++) {
                    successor.send(new ProducerRecord<>(topic, 0, "b", "successor-" + i));
                }
                successor.commitTransaction();
                step("producer B: 3 records committed");
            }
        } finally {
            zombie.close(Duration.ZERO);
        }

        List<String> committed = readAll(bootstrap, "read_committed", partitions);
        check(committed.equals(List.of("successor-0", "successor-1", "successor-2")),
            "read_committed sees only B's 3 records, got " + committed);
        List<String> all = readAll(bootstrap, "read_uncommitted", partitions);
        check(all.size() == 8 && all.subList(0, 5).equals(List.of("zombie-0", "zombie-1", "zombie-2", "zombie-3",
            "zombie-4")), "read_uncommitted: A's 5 (aborted) then B's 3, got " + all);
        step("read_committed: only B's 3 records; read_uncommitted: A's 5 aborted ones too");
    }

    /**
     * A transaction left open past transaction.timeout.ms pins the last stable offset until the
     * coordinator aborts it; then its records are aborted and its producer is fenced.
     */
    static void timeout(Admin admin, String bootstrap, String prefix) throws Exception {
        String topic = prefix + "-timeout";
        List<TopicPartition> partitions = createTopic(admin, topic, 1);
        TopicPartition partition = partitions.get(0);
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(producerProps(bootstrap, "none"))) {
            plain.send(new ProducerRecord<>(topic, 0, "p", "before-0")).get();
            plain.send(new ProducerRecord<>(topic, 0, "p", "before-1")).get();
        }
        KafkaProducer<String, String> producer = transactionalProducer(bootstrap, prefix + "-slow", 3000);
        try (KafkaConsumer<String, String> committed = isolatedConsumer(bootstrap, "read_committed");
             KafkaConsumer<String, String> uncommitted = isolatedConsumer(bootstrap, "read_uncommitted")) {
            producer.initTransactions();
            long started = System.currentTimeMillis();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "t", "stalled-" + i));
            }
            producer.flush();
            long stable = committed.endOffsets(partitions).get(partition);
            long high = uncommitted.endOffsets(partitions).get(partition);
            check(stable == 2 && high == 7, "LSO pinned at 2 below the high watermark 7, got " + stable + ", " + high);
            step("open transaction (timeout 3000 ms): read_committed end offset 2, read_uncommitted 7");

            List<String> early = readToEnd(committed, partitions);
            check(early.equals(List.of("before-0", "before-1")), "read_committed stops at the LSO, got " + early);
            step("read_committed reads up to the LSO only: " + early);

            long deadline = started + 20_000;
            long aborted = -1;
            while (System.currentTimeMillis() < deadline) {
                if (committed.endOffsets(partitions).get(partition) == 8) {
                    aborted = System.currentTimeMillis() - started;
                    break;
                }
                Thread.sleep(200);
            }
            check(aborted >= 0, "the coordinator aborted the transaction within 20 s (LSO 8)");
            check(aborted >= 3000, "not before the timeout, after " + aborted + " ms");
            step("the broker aborted the timed-out transaction: LSO 8 after about " + (aborted / 1000) + " s");

            List<String> later = pollFor(committed, Duration.ofSeconds(1));
            check(later.isEmpty() && committed.position(partition) == 8,
                "read_committed gets nothing of the aborted transaction, got " + later);
            List<String> all = readToEnd(uncommitted, partitions);
            check(all.size() == 7 && all.subList(2, 7).stream().allMatch(v -> v.startsWith("stalled-")),
                "read_uncommitted sees the 5 aborted records, got " + all);
            step("read_committed gets none of it, read_uncommitted the 5 records");

            Throwable late = caught(producer::commitTransaction);
            check(late instanceof KafkaException, "the commit after the timeout fails, got " + causes(late));
            step("commitTransaction after the timeout fails: " + causes(late));
        } finally {
            producer.close(Duration.ZERO);
        }
    }

    /**
     * kafka-transactions list, describe, describe-producers and abort: an open transaction is
     * listed as Ongoing and described; aborting it by its partition's producer state moves the
     * last stable offset; an unknown id is not found.
     */
    static void adminCalls(Admin admin, String bootstrap, String prefix) throws Exception {
        String topic = prefix + "-hanging";
        List<TopicPartition> partitions = createTopic(admin, topic, 1);
        TopicPartition partition = partitions.get(0);
        String id = prefix + "-admin-txn";
        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap, id, 45000);
             KafkaConsumer<String, String> committed = isolatedConsumer(bootstrap, "read_committed");
             KafkaConsumer<String, String> uncommitted = isolatedConsumer(bootstrap, "read_uncommitted")) {
            producer.initTransactions();
            producer.beginTransaction();
            RecordMetadata first = producer.send(new ProducerRecord<>(topic, 0, "h", "hanging-0")).get();
            for (int i = 1; i < 4; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "h", "hanging-" + i));
            }
            producer.flush();

            TransactionListing listing = null;
            for (TransactionListing candidate : admin.listTransactions().all().get()) {
                if (candidate.transactionalId().equals(id)) {
                    listing = candidate;
                }
            }
            check(listing != null, "listTransactions shows " + id);
            check(listing.state() == TransactionState.ONGOING, "state Ongoing, got " + listing.state());
            step("listTransactions: " + id + " " + listing.state() + " producer " + listing.producerId());

            TransactionDescription description = admin.describeTransactions(List.of(id)).description(id).get();
            check(description.state() == TransactionState.ONGOING, "described Ongoing, got " + description);
            check(description.producerId() == listing.producerId(), "same producer id, got " + description);
            check(description.producerEpoch() >= 0, "an epoch, got " + description);
            check(description.transactionTimeoutMs() == 45000, "timeout 45000 ms, got " + description);
            check(description.topicPartitions().equals(Set.of(partition)), "partitions, got " + description);
            check(description.transactionStartTimeMs().isPresent(), "a start time, got " + description);
            step("describeTransactions: producer " + description.producerId() + " epoch "
                + description.producerEpoch() + " timeout " + description.transactionTimeoutMs() + " ms partitions "
                + description.topicPartitions());

            ProducerState state = onlyProducer(admin, partition);
            check(state.producerId() == description.producerId(), "describeProducers: the same producer, got " + state);
            check(state.producerEpoch() == description.producerEpoch(), "describeProducers: its epoch, got " + state);
            check(state.currentTransactionStartOffset().equals(java.util.OptionalLong.of(first.offset())),
                "describeProducers: transaction open since " + first.offset() + ", got " + state);
            step("describeProducers: producer " + state.producerId() + " has a transaction open at offset "
                + first.offset());

            check(committed.endOffsets(partitions).get(partition) == first.offset(), "the LSO is pinned");
            int coordinatorEpoch = Math.max(0, state.coordinatorEpoch().orElse(0));
            admin.abortTransaction(new AbortTransactionSpec(partition, state.producerId(),
                (short) state.producerEpoch(), coordinatorEpoch)).all().get();
            long stable = committed.endOffsets(partitions).get(partition);
            long high = uncommitted.endOffsets(partitions).get(partition);
            check(stable == high && high == first.offset() + 5, "LSO advanced to the end past the marker: "
                + stable + " / " + high);
            check(onlyProducer(admin, partition).currentTransactionStartOffset().isEmpty(), "no open transaction left");
            List<String> read = readToEnd(committed, partitions);
            check(read.isEmpty(), "read_committed gets none of the aborted records, got " + read);
            step("abortTransaction (coordinator epoch " + coordinatorEpoch + "): LSO advanced to " + stable
                + ", read_committed reads nothing");

            producer.abortTransaction();
            step("the producer's own abort afterwards succeeds");
        }

        String unknown = prefix + "-never-used";
        Throwable missing = cause(() -> admin.describeTransactions(List.of(unknown)).description(unknown).get());
        check(missing instanceof TransactionalIdNotFoundException, "unknown id not found, got " + missing);
        step("describeTransactions of an unknown id: TransactionalIdNotFoundException");
    }

    // Helpers.

    /**
     * What kafka-features does with transaction.version: describe shows it finalized at 2; an
     * upgrade-only update cannot lower it; a safe downgrade to 1 makes producers that connect
     * afterwards use the first transaction protocol (the epoch stays 0 over three transactions),
     * and an upgrade to 2 brings the second back for 4.x clients. Leaves the level at 2.
     */
    static void features(Admin admin, String bootstrap, String prefix) throws Exception {
        FeatureMetadata before = admin.describeFeatures().featureMetadata().get();
        check(transactionVersion(before) == 2, "transaction.version finalized at 2, got " + before);
        step("describeFeatures: transaction.version finalized at 2, supported "
            + before.supportedFeatures().get("transaction.version"));

        try {
            updateTransactionVersion(admin, 1, FeatureUpdate.UpgradeType.UPGRADE);
            fail("an upgrade to level 1 was accepted");
        } catch (java.util.concurrent.ExecutionException e) {
            check(e.getCause() instanceof InvalidUpdateVersionException, "InvalidUpdateVersionException, got " + e);
            step("an upgrade to a lower level is refused: " + e.getCause().getMessage());
        }

        updateTransactionVersion(admin, 1, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE);
        FeatureMetadata lowered = admin.describeFeatures().featureMetadata().get();
        long epoch = lowered.finalizedFeaturesEpoch().orElse(-1L);
        check(transactionVersion(lowered) == 1, "transaction.version 1 after the downgrade, got " + lowered);
        check(epoch > before.finalizedFeaturesEpoch().orElse(-1L), "a newer epoch, got " + lowered);
        step("downgrade: transaction.version 1 at epoch " + epoch);
        int firstProtocol = epochAfterThreeTransactions(admin, bootstrap, prefix + "-v1");
        check(firstProtocol == 0, "first protocol: epoch 0 after 3 transactions, got " + firstProtocol);
        step("a producer connecting now uses the first protocol: epoch 0 after 3 transactions");

        updateTransactionVersion(admin, 2, FeatureUpdate.UpgradeType.UPGRADE);
        check(transactionVersion(admin.describeFeatures().featureMetadata().get()) == 2, "transaction.version 2 again");
        boolean bumps = !AppInfoParser.getVersion().startsWith("3.");
        int secondProtocol = epochAfterThreeTransactions(admin, bootstrap, prefix + "-v2");
        check(secondProtocol == (bumps ? 3 : 0), "epoch after 3 transactions: " + secondProtocol);
        step("upgrade: transaction.version 2, epoch " + secondProtocol + " after 3 transactions");
    }

    private static short transactionVersion(FeatureMetadata metadata) {
        FinalizedVersionRange range = metadata.finalizedFeatures().get("transaction.version");
        return range == null ? 0 : range.maxVersionLevel();
    }

    private static void updateTransactionVersion(Admin admin, int level, FeatureUpdate.UpgradeType type)
            throws Exception {
        admin.updateFeatures(Map.of("transaction.version", new FeatureUpdate((short) level, type)),
            new UpdateFeaturesOptions()).all().get();
    }

    /** A new transactional producer commits three transactions; the id's epoch afterwards. */
    private static int epochAfterThreeTransactions(Admin admin, String bootstrap, String id) throws Exception {
        String topic = id + "-data";
        createTopic(admin, topic, 3);
        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap, id, null)) {
            producer.initTransactions();
            for (int round = 0; round < 3; round++) {
                transaction(producer, topic, "r" + round + "-", 5, true);
            }
        }
        return admin.describeTransactions(List.of(id)).description(id).get().producerEpoch();
    }

    static List<TopicPartition> createTopic(Admin admin, String topic, int count) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, count, (short) 1))).all().get();
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        return partitions;
    }

    /** A transactional producer; `timeoutMs` null keeps the client's default transaction timeout. */
    static KafkaProducer<String, String> transactionalProducer(String bootstrap, String id, Integer timeoutMs) {
        Properties props = producerProps(bootstrap, "none");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        if (timeoutMs != null) {
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(timeoutMs));
        }
        return new KafkaProducer<>(props);
    }

    static KafkaConsumer<String, String> isolatedConsumer(String bootstrap, String isolation) {
        Properties props = consumerProps(bootstrap, null);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return new KafkaConsumer<>(props);
    }

    /** Values "<prefix><i>" sent to partition i % partitions-of-3; the key names the partition. */
    static List<String> sendAll(KafkaProducer<String, String> producer, String topic, String prefix, int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = prefix + i + "@" + (i % 3);
            producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, value));
            values.add(value);
        }
        return values;
    }

    static int partitionOf(String value) {
        return Integer.parseInt(value.substring(value.lastIndexOf('@') + 1));
    }

    static List<String> transaction(KafkaProducer<String, String> producer, String topic, String prefix, int count,
            boolean commit) {
        producer.beginTransaction();
        List<String> values = sendAll(producer, topic, prefix, count);
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
            producer.abortTransaction();
        }
        return values;
    }

    static List<String> readToEnd(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions)
            throws Exception {
        return readToEnd(consumer, partitions, true);
    }

    /**
     * Polls until the consumer's position reaches its own end offsets (the LSO for read_committed),
     * from the beginning when `fromStart`; returns the values read.
     */
    static List<String> readToEnd(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
            boolean fromStart) throws Exception {
        if (!consumer.assignment().equals(new HashSet<>(partitions))) {
            consumer.assign(partitions);
        }
        if (fromStart) {
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<String> values = new ArrayList<>();
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            boolean done = true;
            for (TopicPartition partition : partitions) {
                done &= consumer.position(partition) >= ends.get(partition);
            }
            if (done) {
                return values;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        }
        fail("timed out reading " + partitions + " to " + ends + ", read " + values.size());
        return values;
    }

    /**
     * Everything a fresh consumer with `isolation` reads from the start to its end offsets, once no
     * transaction is open (the markers of a transaction just ended may still be on their way).
     */
    static List<String> readAll(String bootstrap, String isolation, List<TopicPartition> partitions) throws Exception {
        try (KafkaConsumer<String, String> consumer = isolatedConsumer(bootstrap, isolation);
             KafkaConsumer<String, String> uncommitted = isolatedConsumer(bootstrap, "read_uncommitted")) {
            awaitStable(consumer, uncommitted, partitions);
            return readToEnd(consumer, partitions);
        }
    }

    /** Waits until the read_committed end offsets (LSO) equal the read_uncommitted ones (high watermark). */
    static void awaitStable(KafkaConsumer<String, String> committed, KafkaConsumer<String, String> uncommitted,
            List<TopicPartition> partitions) throws Exception {
        waitUntil(() -> committed.endOffsets(partitions).equals(uncommitted.endOffsets(partitions)),
            "the last stable offsets of " + partitions + " reach the high watermarks");
    }

    static List<String> pollFor(KafkaConsumer<String, String> consumer, Duration duration) {
        List<String> values = new ArrayList<>();
        long until = System.currentTimeMillis() + duration.toMillis();
        while (System.currentTimeMillis() < until) {
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        }
        return values;
    }

    static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((partition, offset) -> {
            if (offset != null) {
                offsets.put(partition, offset.offset());
            }
        });
        return offsets;
    }

    static Map<Integer, Long> offsetsByPartition(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> byPartition = new HashMap<>();
        offsets.forEach((partition, offset) -> byPartition.put(partition.partition(), offset));
        return byPartition;
    }

    static ProducerState onlyProducer(Admin admin, TopicPartition partition) throws Exception {
        Collection<ProducerState> producers =
            admin.describeProducers(List.of(partition)).partitionResult(partition).get().activeProducers();
        check(producers.size() == 1, "one producer on " + partition + ", got " + producers);
        return producers.iterator().next();
    }


    /** ProducerFencedException or InvalidProducerEpochException, itself or as the cause of a KafkaException. */
    static boolean isFencing(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return true;
            }
            if (!(t instanceof KafkaException)) {
                return false;
            }
        }
        return false;
    }

}
