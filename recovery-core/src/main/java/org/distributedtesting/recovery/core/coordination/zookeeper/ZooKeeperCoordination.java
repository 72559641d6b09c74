package org.distributedtesting.recovery.core.coordination.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.coordination.Coordination;
import org.distributedtesting.recovery.core.coordination.CoordinationException;
import org.distributedtesting.recovery.core.coordination.Lease;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several engines of one cluster on ZooKeeper, through Curator. Under the cluster's base path:
 * <ul>
 *   <li>{@code leader}: a Curator {@link LeaderLatch}; the instance that holds it is the active one;</li>
 *   <li>{@code epochs/epoch-NNNNNNNNNN}: each time an instance wins the latch it creates a persistent sequential
 *       znode there, and its fencing epoch is that sequence number plus one, so every epoch is strictly larger than
 *       every one handed out before (the parent is never deleted; the newest few children are kept);</li>
 *   <li>{@code active}: who took the last epoch, and when, for the standbys' and the operator's information;</li>
 *   <li>{@code ledger/record-NNNNNNNNNN}: the shared ledger, one journal record per znode, in order; records older
 *       than the retention are deleted when an instance becomes active, except each node's last quarantine step.</li>
 * </ul>
 *
 * <p>Losing the lease: as soon as the connection is suspended (the client heard nothing for two thirds of the
 * session timeout) or lost, {@link #lease()} answers standby, before the servers can expire the session and let
 * another instance win. When ZooKeeper is unreachable no instance acts: every one detects and reports.
 *
 * <p>Thread-safe.
 */
public final class ZooKeeperCoordination implements Coordination {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCoordination.class);

    static final String LEADER = "/leader";
    static final String EPOCHS = "/epochs";
    static final String ACTIVE = "/active";
    static final String LEDGER = "/ledger";
    private static final String EPOCH_PREFIX = "epoch-";
    private static final String RECORD_PREFIX = "record-";
    /** Epoch znodes kept; older ones are deleted after a new epoch is taken. */
    private static final int EPOCHS_KEPT = 3;
    private static final Duration RETRY_EPOCH = Duration.ofSeconds(1);
    private static final Duration HOLDER_REFRESH = Duration.ofSeconds(2);
    private static final Set<String> QUARANTINE_STEPS = Set.of("node_quarantined", "node_half_open", "node_released");

    private final ZooKeeperSettings settings;
    private final Clock clock;
    private final CuratorFramework client;
    private final LeaderLatch latch;
    private final ScheduledExecutorService worker;

    private final Object lock = new Object();
    private boolean connected;
    private Instant cutOffSince;
    private long epoch;
    private long lastEpoch;
    private boolean closed;
    private volatile String holder;

    private ZooKeeperCoordination(ZooKeeperSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.cutOffSince = clock.instant();
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "recovery-coordination");
            t.setDaemon(true);
            return t;
        });
        this.client = CuratorFrameworkFactory.builder()
                .connectString(settings.connect())
                .sessionTimeoutMs(millis(settings.sessionTimeout()))
                .connectionTimeoutMs(millis(settings.connectionTimeout()))
                .retryPolicy(new ExponentialBackoffRetry(250, 3))
                // the configured servers are the ones to use: Curator would otherwise replace them with the
                // addresses the ensemble advertises, past a proxy or a name the operator chose
                .ensembleTracker(false)
                .build();
        this.latch = new LeaderLatch(client, settings.basePath() + LEADER, settings.instanceId());
    }

    /**
     * Connects (in the background: an unreachable ensemble is a standby, not an error) and joins the group.
     *
     * @param clock for the times in the shared ledger's retention and the reasons
     * @throws IllegalArgumentException if the connect string cannot be parsed
     */
    public static ZooKeeperCoordination start(ZooKeeperSettings settings, Clock clock) {
        ZooKeeperCoordination c = new ZooKeeperCoordination(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(clock, "clock"));
        c.client.getConnectionStateListenable().addListener((client, state) -> c.connectionChanged(state));
        c.latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                c.worker.execute(c::takeEpoch);
            }

            @Override
            public void notLeader() {
                c.leadershipLost("another instance won the lease");
            }
        }, c.worker);
        c.worker.scheduleWithFixedDelay(c::readHolder, 0, HOLDER_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        c.client.start();
        try {
            c.latch.start();
        } catch (Exception e) {
            c.close();
            throw new IllegalStateException("could not join the group at " + settings.basePath() + ": " + e, e);
        }
        LOG.info("coordination: instance '{}' joined {} on ZooKeeper {}", settings.instanceId(),
                settings.basePath(), settings.connect());
        return c;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    @Override
    public String instanceId() {
        return settings.instanceId();
    }

    @Override
    public Lease lease() {
        synchronized (lock) {
            if (closed) {
                return Lease.standby(lastEpoch, "this instance left the group");
            }
            if (!connected) {
                return Lease.standby(lastEpoch, "ZooKeeper (" + settings.connect() + ") is unreachable since "
                        + cutOffSince + ": no instance acts while the lease cannot be confirmed; detecting and"
                        + " reporting only");
            }
            boolean leader = latch.hasLeadership();
            if (leader && epoch > 0) {
                return Lease.active(epoch, "instance '" + settings.instanceId() + "' holds the lease of "
                        + settings.basePath());
            }
            if (leader) {
                return Lease.standby(lastEpoch, "won the lease of " + settings.basePath()
                        + "; taking a fencing epoch");
            }
            return Lease.standby(lastEpoch, "another instance holds the lease of " + settings.basePath()
                    + (holder == null ? "" : " (last taken by " + holder + ")"));
        }
    }

    /** On the worker, every few seconds: who took the last epoch, from the {@code active} znode. */
    private void readHolder() {
        synchronized (lock) {
            if (!connected || closed) {
                return;
            }
        }
        try {
            holder = new String(client.getData().forPath(settings.basePath() + ACTIVE), StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException e) {
            holder = null;
        } catch (Exception e) {
            LOG.debug("coordination: who holds the lease could not be read: {}", e.toString());
        }
    }

    private void connectionChanged(ConnectionState state) {
        boolean retake = false;
        synchronized (lock) {
            switch (state) {
                case CONNECTED, RECONNECTED -> {
                    connected = true;
                    retake = latch.hasLeadership() && epoch == 0;
                }
                case SUSPENDED, LOST -> {
                    if (connected) {
                        cutOffSince = clock.instant();
                    }
                    connected = false;
                    if (epoch > 0) {
                        LOG.warn("coordination: the connection to ZooKeeper is {}: instance '{}' stops acting at once"
                                + " (it held epoch {})", state.name().toLowerCase(java.util.Locale.ROOT),
                                settings.instanceId(), epoch);
                    }
                    epoch = 0;
                }
                case READ_ONLY -> connected = false;
            }
        }
        LOG.info("coordination: ZooKeeper connection {}", state);
        if (retake) {
            worker.execute(this::takeEpoch);
        }
    }

    private void leadershipLost(String why) {
        synchronized (lock) {
            if (epoch > 0) {
                LOG.warn("coordination: instance '{}' lost the lease of epoch {}: {}", settings.instanceId(), epoch,
                        why);
            }
            epoch = 0;
        }
    }

    /** On the worker: a new epoch for a lease just won; tried again every second while it is held without one. */
    private void takeEpoch() {
        synchronized (lock) {
            if (closed || !latch.hasLeadership() || epoch > 0) {
                return;
            }
        }
        long taken;
        try {
            String path = client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(settings.basePath() + EPOCHS + "/" + EPOCH_PREFIX,
                            settings.instanceId().getBytes(StandardCharsets.UTF_8));
            taken = sequence(path, EPOCH_PREFIX) + 1;
            byte[] who = ("instance '" + settings.instanceId() + "', epoch " + taken + " since " + clock.instant())
                    .getBytes(StandardCharsets.UTF_8);
            client.create().orSetData().creatingParentsIfNeeded().forPath(settings.basePath() + ACTIVE, who);
        } catch (Exception e) {
            LOG.warn("coordination: instance '{}' won the lease but could not take a fencing epoch ({}); trying"
                    + " again in {}", settings.instanceId(), e.toString(), RETRY_EPOCH);
            scheduleRetake();
            return;
        }
        synchronized (lock) {
            if (closed || !connected || !latch.hasLeadership()) {
                LOG.info("coordination: epoch {} was taken after the lease was lost again; not used", taken);
                return;
            }
            epoch = taken;
            lastEpoch = taken;
        }
        LOG.info("coordination: instance '{}' holds the lease with fencing epoch {}", settings.instanceId(), taken);
        deleteOldEpochs();
    }

    private void scheduleRetake() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        worker.schedule(this::takeEpoch, RETRY_EPOCH.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void deleteOldEpochs() {
        try {
            List<String> children = new ArrayList<>(client.getChildren().forPath(settings.basePath() + EPOCHS));
            children.sort(Comparator.naturalOrder());
            for (int i = 0; i < children.size() - EPOCHS_KEPT; i++) {
                client.delete().quietly().forPath(settings.basePath() + EPOCHS + "/" + children.get(i));
            }
        } catch (Exception e) {
            LOG.debug("coordination: old epoch znodes not deleted: {}", e.toString());
        }
    }

    private static long sequence(String path, String prefix) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!name.startsWith(prefix)) {
            throw new IllegalStateException("unexpected znode " + path);
        }
        return Long.parseLong(name.substring(prefix.length()));
    }

    @Override
    public List<JournalRecord> sharedLedger() throws CoordinationException {
        requireConnected("read the shared ledger");
        String parent = settings.basePath() + LEDGER;
        try {
            List<String> children;
            try {
                children = new ArrayList<>(client.getChildren().forPath(parent));
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
            children.sort(Comparator.naturalOrder());
            List<Stored> stored = new ArrayList<>();
            for (String child : children) {
                byte[] data;
                try {
                    data = client.getData().forPath(parent + "/" + child);
                } catch (KeeperException.NoNodeException e) {
                    continue; // pruned by an instance that was active before
                }
                try {
                    stored.add(new Stored(child, JournalRecords.parse(data)));
                } catch (IllegalArgumentException e) {
                    LOG.warn("coordination: shared ledger record {} is unreadable and skipped: {}", child,
                            e.getMessage());
                }
            }
            return prune(stored);
        } catch (CoordinationException e) {
            throw e;
        } catch (Exception e) {
            throw new CoordinationException("could not read the shared ledger at " + parent + ": " + e, e);
        }
    }

    private record Stored(String name, JournalRecord record) {
    }

    /**
     * Deletes the records older than the retention, except each node's last quarantine step, and returns the rest
     * in order.
     */
    private List<JournalRecord> prune(List<Stored> stored) throws Exception {
        Instant horizon = clock.instant().minus(settings.ledgerRetention());
        Map<String, String> lastStep = new HashMap<>();
        for (Stored s : stored) {
            if (QUARANTINE_STEPS.contains(s.record().action())
                    && s.record().details().get(JournalRecords.NODE_ID) instanceof String node) {
                lastStep.put(node, s.name());
            }
        }
        Set<String> keep = new HashSet<>(lastStep.values());
        List<JournalRecord> kept = new ArrayList<>();
        int deleted = 0;
        for (Stored s : stored) {
            if (s.record().timestamp().isBefore(horizon) && !keep.contains(s.name())) {
                client.delete().quietly().forPath(settings.basePath() + LEDGER + "/" + s.name());
                deleted++;
            } else {
                kept.add(s.record());
            }
        }
        if (deleted > 0) {
            LOG.info("coordination: {} shared ledger records older than {} deleted", deleted,
                    settings.ledgerRetention());
        }
        return kept;
    }

    @Override
    public void share(JournalRecord record, long epoch) throws CoordinationException {
        Objects.requireNonNull(record, "record");
        Lease lease = lease();
        if (!lease.active() || lease.epoch() != epoch) {
            throw new CoordinationException("instance '" + settings.instanceId() + "' no longer holds epoch " + epoch
                    + ": " + lease.reason());
        }
        try {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(settings.basePath() + LEDGER + "/" + RECORD_PREFIX, JournalRecords.json(record));
        } catch (Exception e) {
            throw new CoordinationException("could not add '" + record.action() + "' to the shared ledger: " + e, e);
        }
    }

    private void requireConnected(String what) throws CoordinationException {
        synchronized (lock) {
            if (!connected) {
                throw new CoordinationException("cannot " + what + ": ZooKeeper (" + settings.connect()
                        + ") is unreachable");
            }
        }
    }

    /** The settings this instance joined with. */
    public ZooKeeperSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            epoch = 0;
        }
        worker.shutdownNow();
        try {
            latch.close();
        } catch (Exception e) {
            LOG.warn("coordination: leaving the group at {} failed: {}", settings.basePath(), e.toString());
        }
        client.close();
    }
}
