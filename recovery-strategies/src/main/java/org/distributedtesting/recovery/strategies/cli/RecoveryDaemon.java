package org.distributedtesting.recovery.strategies.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryException;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.strategies.DatabaseCorruptionStrategy;
import org.distributedtesting.recovery.strategies.LogCorruptionStrategy;
import org.distributedtesting.recovery.strategies.StateDivergenceStrategy;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.SettleReport;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.alert.AlertRouter;
import org.distributedtesting.recovery.core.config.ConfigException;
import org.distributedtesting.recovery.core.config.ConfigLoader;
import org.distributedtesting.recovery.core.config.ConfiguredStrategies;
import org.distributedtesting.recovery.core.config.ListenAddress;
import org.distributedtesting.recovery.core.config.MessageText;
import org.distributedtesting.recovery.core.config.RecoveryConfig;
import org.distributedtesting.recovery.core.coordination.zookeeper.ZooKeeperCoordination;
import org.distributedtesting.recovery.core.history.HistoryJournal;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.http.client.NodeRoutes;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.distributedtesting.recovery.core.supervise.CommandSupervisor;
import org.distributedtesting.recovery.core.supervise.LocalProcessSupervisor;
import org.distributedtesting.recovery.core.supervise.MaintenanceCommandControl;
import org.distributedtesting.recovery.core.supervise.OfflineChecks;
import org.distributedtesting.recovery.core.supervise.RoutingSupervisor;
import org.distributedtesting.recovery.spi.ProcessSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The command-line daemon. {@code --once} (the default) runs cycles until the cluster is healthy or nothing more
 * can be done, and exits 0 (healthy or recovered), 1 (failures remain) or 2 (usage or configuration error, one
 * line on stderr). {@code --daemon} runs a cycle every {@code --interval} seconds until SIGTERM or SIGINT, which
 * stop it cleanly after the journal is flushed, with exit code 0. {@code --simulate} runs the engine against a
 * simulated cluster in virtual time instead ({@link SimulateCommand}).
 *
 * <p>Not thread-safe; one instance per command line.
 */
@Command(name = "recovery", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Watches a Raft coordinator cluster, detects failures and recovers them safely.",
                "--simulate runs one scenario against a simulated cluster in virtual time (no --config): it"
                        + " injects faults " + SimulateCommand.SPACING_SECONDS + " s apart, prints a timeline and a"
                        + " summary, and exits when the scenario ends, with or without --once.%n"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:healthy, or every failure recovered (--once, --simulate); stopped by SIGTERM or"
                + " SIGINT (--daemon)",
                "1:failures remain (--once), or a simulated fault was not recovered or an invariant broke",
                "2:usage or configuration error"},
        footer = {"%nExample config: java -jar recovery.jar --example-config",
                "A simulation:   java -jar recovery.jar --simulate --seed 7",
                "The history:    java -jar recovery.jar report --config FILE --since 7d"})
public final class RecoveryDaemon implements Callable<Integer> {

    /** Exit code: healthy or recovered. */
    public static final int OK = 0;
    /** Exit code: failures remain. */
    public static final int FAILURES_REMAIN = 1;
    /** Exit code: usage or configuration error. */
    public static final int USAGE = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "cluster configuration (JSON)")
    Path config;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "seconds between cycles in --daemon mode (default: ${DEFAULT-VALUE})")
    double interval;

    @Option(names = "--daemon", description = "run until SIGTERM or SIGINT, then stop cleanly and exit 0")
    boolean daemon;

    @Option(names = "--once", description = "run until healthy or stuck, then exit (the default)")
    boolean once;

    @Option(names = "--dry-run", description = "plan and journal recoveries, change nothing")
    boolean dryRun;

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = StrategyRegistry.ALL,
            description = "strategy or set of strategies to run, comma-separated (default: ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = Plugins.OPTION, paramLabel = "DIR", description = "load strategy providers from every .jar in DIR"
            + " (ServiceLoader, as the built-ins); --strategy and the config's strategies section may then name them;"
            + " overrides the config's plugins")
    Path plugins;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "--once gives up after this long (default: ${DEFAULT-VALUE})")
    double timeout;

    @Option(names = "--metrics-listen", paramLabel = "[HOST:]PORT", description = "serve /metrics (Prometheus),"
            + " /health and /ready here; overrides the config's metrics.listen; a bare port listens on 127.0.0.1")
    String metricsListen;

    @Option(names = LogFile.OPTION, paramLabel = "FILE", description = "append the logs to FILE as well as to"
            + " stderr (created if missing; its directory must exist)")
    Path logFile;

    @Option(names = "--example-config", description = "print an example configuration and exit")
    boolean exampleConfig;

    @Option(names = "--test-alerts", description = "send one test notification to every sink of the config's alerts"
            + " section, say what came of each, and exit (0: every sink accepted it)")
    boolean testAlerts;

    @Option(names = "--simulate", description = "run the engine against a simulated cluster in virtual time, print"
            + " the timeline and a summary, and exit (0: every injected fault recovered and no invariant broke)")
    boolean simulate;

    @Option(names = "--nodes", paramLabel = "N", description = "--simulate: cluster size, 1.."
            + SimulateCommand.MAX_NODES + " (default: " + SimulateCommand.DEFAULT_NODES + ")")
    Integer nodes;

    @Option(names = "--seed", paramLabel = "S", description = "--simulate: the seed; the same seed prints the same"
            + " timeline (default: " + SimulateCommand.DEFAULT_SEED + ")")
    Long seed;

    @Option(names = "--inject", paramLabel = "TYPE[,TYPE...]", description = "--simulate: failure types to inject,"
            + " " + SimulateCommand.SPACING_SECONDS + " s apart, names as in the config (default: "
            + SimulateCommand.DEFAULT_INJECTION + ")")
    String inject;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "--simulate: virtual time limit of the"
            + " scenario (default: " + SimulateCommand.DEFAULT_DURATION_SECONDS + ")")
    Double duration;

    @Spec
    CommandSpec spec;

    /** The strategies whose rungs stop a node and then move aside, restore or reset its data. */
    private static final Set<String> OFFLINE_REPAIRS = Set.of(DatabaseCorruptionStrategy.NAME,
            LogCorruptionStrategy.NAME, StateDivergenceStrategy.NAME);

    private final PrintStream out;
    private final PrintStream err;

    RecoveryDaemon(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the daemon and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // a simulation's story is its timeline; the engine's INFO lines would repeat it with wall-clock times
        // and a report's story is its tables
        configureLogging(List.of(args).contains("--simulate") || args.length > 0 && args[0].equals("report")
                ? "warn" : "info");
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the daemon with these arguments; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Clock.systemUTC());
    }

    /** Runs the daemon with these arguments, and {@code report --since} counted back from {@code clock}. */
    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        CommandLine cli = new CommandLine(new RecoveryDaemon(out, err));
        // before the handlers below, which apply to the subcommands added so far
        cli.addSubcommand("report", new ReportCommand(out, err, clock));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionStrategy(LogFile.around(new CommandLine.RunLast(), err));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("recovery: " + oneLine(e) + " (see --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            err.println("recovery: " + oneLine(e));
            return USAGE;
        });
        return cli.execute(args);
    }

    private static void configureLogging(String level) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (exampleConfig) {
            out.print(ConfigLoader.example());
            return OK;
        }
        String usage = checkUsage();
        if (usage != null) {
            err.println("recovery: " + usage + " (see --help)");
            return USAGE;
        }
        if (simulate) {
            return simulate();
        }
        Loaded loaded;
        try {
            loaded = loadConfig(config, strategy, System.getenv(), plugins);
        } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
            err.println("recovery: " + oneLine(e));
            return USAGE;
        }
        RecoveryConfig cfg = loaded.config();
        List<RecoveryStrategy> strategies = loaded.strategies();
        boolean hasToken = loaded.hasToken();
        RecoveryOptions options = dryRun ? cfg.options().toBuilder().dryRun(true).build() : cfg.options();
        boolean supervised = cfg.nodes().stream().anyMatch(n -> n.supervised());
        if (testAlerts) {
            return testAlerts(cfg);
        }
        FileRecoveryJournal durable;
        try {
            durable = FileRecoveryJournal.open(cfg.recoveryDir());
        } catch (RecoveryException | java.io.UncheckedIOException e) {
            err.println("recovery: cannot open the journal in " + cfg.recoveryDir() + ": " + oneLine(e));
            return USAGE;
        }
        // indexed after the durable append and caught up now; a database that fails is logged, never fatal
        RecoveryJournal journal = cfg.historyDatabase().<RecoveryJournal>map(db -> HistoryJournal.open(durable, db))
                .orElse(durable);
        AlertRouter alerts;
        try {
            alerts = cfg.alerts().map(a -> AlertRouter.start(a, System.getenv(), cfg.source(), journal,
                    Clock.systemUTC())).orElse(null);
        } catch (ConfigException e) {
            journal.close();
            err.println("recovery: " + oneLine(e));
            return USAGE;
        }
        // several daemons on one cluster: only the one holding the lease acts (joins in the background: an
        // unreachable ZooKeeper makes this daemon a standby that detects and reports, not a failed start)
        ZooKeeperCoordination coordination = cfg.coordination()
                .map(settings -> ZooKeeperCoordination.start(settings, Clock.systemUTC())).orElse(null);
        // the fencing epoch every control request, maintenance and supervise command carries: the lease's while this
        // daemon holds it, the last one it held afterwards (so a late request is refused by a node that has seen a
        // newer one); none for a lone daemon
        LongSupplier epoch = coordination == null ? () -> 0 : () -> coordination.lease().epoch();
        // asked on every request, so that a rotated token file takes effect; never printed or logged
        Supplier<String> token = () -> cfg.controlToken(System.getenv()).orElse(null);
        // an alternative address the partition strategy switches a node to is used by probes and actions alike
        NodeRoutes routes = new NodeRoutes();
        HttpNodeProbe probe = HttpNodeProbe.builder().token(token).routes(routes).build();
        HttpNodeControl control = HttpNodeControl.builder().nodes(cfg.nodes()).token(token).routes(routes)
                .epoch(epoch).build();
        NodeControl nodeControl = nodeControl(cfg, control, epoch);
        ProcessSupervisor supervisor = supervised ? supervisor(cfg.nodes(), nodeControl, token, epoch) : null;
        var builder = RecoveryEngine.builder().nodes(cfg.nodes()).probe(probe).control(nodeControl)
                .strategies(strategies).options(options).journal(journal).listener(new Timeline(out));
        if (alerts != null) {
            builder.listener(alerts);
        }
        if (supervisor != null) {
            builder.supervisor(supervisor);
        }
        FenceOnTakeover fencing = coordination == null ? null
                : new FenceOnTakeover(control, cfg.nodes().stream().map(NodeSpec::id).toList());
        if (coordination != null) {
            builder.coordination(coordination).listener(fencing);
        }
        RecoveryEngine engine = builder.build();
        DaemonMonitoring monitoring;
        try {
            monitoring = monitoring(cfg, engine);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            engine.close();
            if (alerts != null) {
                alerts.close();
            }
            journal.close();
            probe.close();
            control.close();
            if (supervisor != null) {
                supervisor.close();
            }
            if (coordination != null) {
                coordination.close();
                fencing.close();
            }
            err.println("recovery: " + oneLine(e));
            return USAGE;
        }
        Runnable shutdown = () -> {
            if (monitoring != null) {
                monitoring.stopping();
            }
            engine.close();
            if (coordination != null) {
                coordination.close(); // gives the lease up at once: a standby takes over without a session timeout
                fencing.close();
            }
            if (alerts != null) {
                alerts.close(); // before the journal: a notification given up while closing is journaled
            }
            saveAndClose(journal);
            probe.close();
            control.close();
            if (supervisor != null) {
                supervisor.close();
            }
            if (monitoring != null) {
                monitoring.close();
            }
        };
        out.println("watching " + cfg.nodes().size() + " nodes with " + strategies.size() + " strategies"
                + (options.dryRun() ? " (dry run: nothing will be changed)" : "") + "; journal "
                + cfg.recoveryDir().resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
        List<String> repairWarnings = repairWarnings(cfg.nodes(), strategies);
        if (!repairWarnings.isEmpty()) {
            // not a static logger: main configures logging before the first one is made
            Logger log = LoggerFactory.getLogger(RecoveryDaemon.class);
            repairWarnings.forEach(log::warn);
        }
        if (coordination != null) {
            out.println("one of several daemons: instance '" + coordination.instanceId() + "' in "
                    + coordination.settings().basePath() + " on ZooKeeper " + coordination.settings().connect()
                    + "; only the instance holding the lease acts");
        }
        if (monitoring != null) {
            out.println("metrics on " + monitoring.url() + "/metrics, health on /health and /ready");
            if (alerts != null) {
                monitoring.bindAlerts(alerts.stats());
            }
        }
        if (!hasToken) {
            out.println("no control token (set " + cfg.controlTokenEnv() + " or control_token_file): nodes will"
                    + " refuse control actions other than process restarts");
        } else {
            // a node that refuses the token is reported now, not when the first action fails on it; never fatal
            TokenCheck.run(cfg.nodes(), token, routes, options.probeTimeout()).forEach(out::println);
        }
        if (daemon) {
            return runDaemon(engine, shutdown);
        }
        try {
            SettleReport report = engine.runUntilSettled(seconds(timeout));
            if (report.healthy()) {
                out.println("healthy after " + report.cycles() + " cycles");
                return OK;
            }
            out.println("failures remain after " + report.cycles() + " cycles"
                    + (report.last().detected().isEmpty() && !report.remaining().isEmpty()
                    ? " (seen, not yet confirmed)" : "") + ":");
            report.remaining().forEach(f -> out.println("  " + f.key() + ": " + f.summary()));
            if (!engine.quarantined().isEmpty()) {
                out.println("quarantined (needs an operator): " + engine.quarantined());
            }
            return FAILURES_REMAIN;
        } finally {
            shutdown.run();
        }
    }

    /**
     * {@code --test-alerts}: one test notification to every sink, a line per destination. It neither opens the journal
     * (a running daemon holds it) nor watches the cluster.
     */
    private int testAlerts(RecoveryConfig cfg) {
        if (cfg.alerts().isEmpty()) {
            err.println("recovery: --test-alerts: " + cfg.source() + " has no alerts section, so there is nothing to"
                    + " test");
            return USAGE;
        }
        AlertRouter alerts;
        try {
            alerts = AlertRouter.start(cfg.alerts().get(), System.getenv(), cfg.source(),
                    new org.distributedtesting.recovery.core.journal.InMemoryJournal(), Clock.systemUTC());
        } catch (ConfigException e) {
            err.println("recovery: " + oneLine(e));
            return USAGE;
        }
        try {
            List<AlertRouter.TestResult> results = alerts.sendTest();
            results.forEach(r -> out.println((r.delivered() ? "ok      " : "FAILED  ") + r.destination() + ": "
                    + r.detail()));
            long failed = results.stream().filter(r -> !r.delivered()).count();
            out.println(failed == 0 ? "every sink accepted its test notification"
                    : failed + " of " + results.size() + " destinations did not accept their test notification");
            return failed == 0 ? OK : FAILURES_REMAIN;
        } finally {
            alerts.close();
        }
    }

    /** The monitoring endpoint, when {@code --metrics-listen} or the config's {@code metrics.listen} asks for one. */
    private DaemonMonitoring monitoring(RecoveryConfig cfg, RecoveryEngine engine) {
        Optional<ListenAddress> listen = metricsListen != null
                ? Optional.of(parseListen(metricsListen)) : cfg.metricsListen();
        if (listen.isEmpty()) {
            return null;
        }
        if (!listen.get().loopback()) {
            // not a static logger: main configures logging before the first one is made
            Logger log = LoggerFactory.getLogger(RecoveryDaemon.class);
            log.warn("The monitoring endpoint listens on {}, beyond this host; it has no authentication: limit who"
                    + " reaches it (a firewall, a monitoring network)", listen.get());
        }
        Duration every = daemon ? seconds(interval) : cfg.options().verifyInterval();
        return DaemonMonitoring.start(engine, every, listen.get());
    }

    private static ListenAddress parseListen(String text) {
        try {
            return ListenAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--metrics-listen " + e.getMessage());
        }
    }

    /**
     * The node protocol, with the data actions (move aside, restore, reset) of nodes that have a maintenance command
     * run by that command instead: such a node is stopped while its data is repaired, so it cannot answer them.
     */
    static NodeControl nodeControl(RecoveryConfig cfg, HttpNodeControl protocol) {
        return nodeControl(cfg, protocol, () -> 0);
    }

    /** As {@link #nodeControl(RecoveryConfig, HttpNodeControl)}, the maintenance command given {@code epoch}. */
    static NodeControl nodeControl(RecoveryConfig cfg, HttpNodeControl protocol, LongSupplier epoch) {
        if (cfg.nodes().stream().noneMatch(NodeSpec::hasMaintenanceCommand)) {
            return protocol;
        }
        return new MaintenanceCommandControl(cfg.nodes(), protocol, cfg.options().maintenanceTimeout(),
                () -> cfg.controlToken(System.getenv()), epoch, Clock.systemUTC());
    }

    /**
     * One warning for each node whose process the daemon stops ({@code command} or {@code supervise}) but that has no
     * {@code maintenance_command}, when a strategy that repairs data by stopping the node is on: once stopped, the
     * node cannot answer the move aside, restore or reset of its data, so those strategies escalate a damaged
     * database or log instead of repairing it. Said at start, not first when a repair is needed.
     */
    static List<String> repairWarnings(List<NodeSpec> nodes, List<RecoveryStrategy> strategies) {
        if (strategies.stream().map(RecoveryStrategy::name).noneMatch(OFFLINE_REPAIRS::contains)) {
            return List.of();
        }
        return nodes.stream().filter(n -> n.supervised() && !n.hasMaintenanceCommand())
                .map(n -> n.id() + ": data repairs (move aside/restore/reset) need maintenance_command; without it a"
                        + " damaged database or log is escalated, not repaired")
                .toList();
    }

    /**
     * The local supervisor for nodes with a {@code command}, the {@link CommandSupervisor} for nodes with
     * {@code supervise} commands (both kinds in one cluster share a {@link RoutingSupervisor}), and for nodes with a
     * maintenance command the check of a stopped node's data when its process ended by itself (it may not start on
     * a damaged log or database).
     */
    static ProcessSupervisor supervisor(List<NodeSpec> nodes, NodeControl nodeControl, Supplier<String> token,
                                        LongSupplier epoch) {
        boolean anyLocal = nodes.stream().anyMatch(n -> !n.startCommand().isEmpty());
        boolean anyCommands = nodes.stream().anyMatch(n -> n.supervision().isPresent());
        ProcessSupervisor commands = anyCommands ? new CommandSupervisor(token, epoch, Clock.systemUTC()) : null;
        // nodes with a "command" get the token in their environment, as supervise and maintenance commands do
        ProcessSupervisor processes = commands == null ? new LocalProcessSupervisor(Clock.systemUTC(), token)
                : anyLocal ? new RoutingSupervisor(new LocalProcessSupervisor(Clock.systemUTC(), token), commands)
                : commands;
        return nodeControl instanceof MaintenanceCommandControl maintenance
                ? new OfflineChecks(processes, maintenance) : processes;
    }

    private int runDaemon(RecoveryEngine engine, Runnable shutdown) throws InterruptedException {
        // SIGTERM and SIGINT stop it cleanly and exit 0; any other end of the JVM stops it cleanly through a hook
        DaemonStop.runUntilStopped(() -> engine.start(seconds(interval)), shutdown, out, err);
        return OK;
    }

    private int simulate() {
        SimulateCommand.Request request;
        List<RecoveryStrategy> strategies;
        try {
            request = SimulateCommand.request(nodes, seed, inject, duration, dryRun);
            strategies = SimulateCommand.strategies(strategy);
        } catch (IllegalArgumentException | RecoveryException e) {
            err.println("recovery: " + oneLine(e) + " (see --help)");
            return USAGE;
        }
        return SimulateCommand.run(request, strategies, out);
    }

    private String checkUsage() {
        if (simulate) {
            if (plugins != null) {
                return Plugins.OPTION + " does not apply to --simulate, which runs the built-in strategies";
            }
            if (config != null) {
                return "--config and --simulate cannot be combined: a simulation brings its own cluster";
            }
            if (daemon) {
                return "--daemon and --simulate cannot be combined: a simulation ends with its scenario";
            }
            if (given("--interval") || given("--timeout")) {
                return "--interval and --timeout do not apply to --simulate; --duration limits a simulation";
            }
        } else if (nodes != null || seed != null || inject != null || duration != null) {
            return "--nodes, --seed, --inject and --duration need --simulate";
        }
        if (config == null && !simulate) {
            return "--config FILE is required (or --simulate)";
        }
        if (daemon && once) {
            return "--daemon and --once cannot be combined";
        }
        if (!(interval > 0) || Double.isInfinite(interval)) {
            return "--interval must be a number of seconds > 0, but was " + interval;
        }
        if (!(timeout > 0) || Double.isInfinite(timeout)) {
            return "--timeout must be a number of seconds > 0, but was " + timeout;
        }
        return null;
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** A configuration the daemon can run with: the file's, the strategies it chose, and whether there is a token. */
    record Loaded(RecoveryConfig config, List<RecoveryStrategy> strategies, boolean hasToken) {
    }

    /**
     * Everything the daemon checks before it starts: the file ({@link ConfigLoader}), the strategies' settings and
     * names ({@link ConfiguredStrategies}), the strategies {@code --strategy} selects, and the control token, read
     * once now so that a bad one is a configuration error rather than refused actions later.
     *
     * @param strategyOption the {@code --strategy} value
     * @param env            the environment the token may come from
     * @throws ConfigException for anything wrong with the configuration, naming the file and the key
     * @throws IllegalArgumentException if {@code --strategy} selects no strategy the configuration watches
     * @throws org.distributedtesting.recovery.core.UnknownStrategyException if {@code --strategy} names none
     * @throws IllegalStateException if two strategy providers contribute strategies of one name
     */
    static Loaded loadConfig(Path file, String strategyOption, Map<String, String> env) {
        return loadConfig(file, strategyOption, env, null);
    }

    /**
     * As {@link #loadConfig(Path, String, Map)}, with the strategy providers of the jars in {@code pluginDir}
     * discovered too ({@code --plugins}; when null, the config's {@code plugins}, if any).
     *
     * @throws IllegalArgumentException also when the plugin directory is not a directory of readable jars, or
     *                                  {@code --strategy} names no strategy or set (the message then says which
     *                                  plugin jars were loaded, if any)
     */
    static Loaded loadConfig(Path file, String strategyOption, Map<String, String> env, Path pluginDir) {
        // --plugins first: a missing plugin directory is reported even when the config has a mistake as well; the
        // config's plugins (relative to the config file, checked by the loader) when --plugins is not given
        Plugins cliPlugins = pluginDir == null ? null : Plugins.load(pluginDir, RecoveryDaemon.class.getClassLoader());
        RecoveryConfig cfg = ConfigLoader.load(file);
        Plugins plugins = cliPlugins != null ? cliPlugins : cfg.plugins()
                .map(dir -> Plugins.load(cfg.source() + ": plugins", dir, RecoveryDaemon.class.getClassLoader()))
                .orElse(null);
        StrategyRegistry registry = plugins == null ? ConfiguredStrategies.discover(cfg)
                : ConfiguredStrategies.discover(cfg, plugins.loader());
        List<RecoveryStrategy> resolved;
        try {
            resolved = registry.resolve(strategyOption);
        } catch (org.distributedtesting.recovery.core.UnknownStrategyException e) {
            throw new IllegalArgumentException("--strategy: " + e.getMessage() + "; " + (plugins == null
                    ? "no plugins loaded (for a strategy of your own, put its jar in a directory and name it with "
                            + Plugins.OPTION + " DIR or the config's \"plugins\")"
                    : plugins.describe()), e);
        }
        if (plugins != null) {
            // not a static logger: main configures logging before the first one is made
            LoggerFactory.getLogger(RecoveryDaemon.class).info("{}; strategies: {}", plugins.describe(),
                    String.join(", ", registry.names()));
        }
        List<RecoveryStrategy> chosen = resolved.stream().filter(s -> cfg.watches(s.type())).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--strategy " + strategyOption + " selects no strategy for the"
                    + " failure_types the config watches");
        }
        boolean hasToken = cfg.controlToken(env).isPresent();
        return new Loaded(cfg, chosen, hasToken);
    }

    private void saveAndClose(RecoveryJournal journal) {
        try {
            journal.saveRecoveryLog();
        } catch (java.io.IOException e) {
            err.println("recovery: could not write " + FileRecoveryJournal.RECOVERY_LOG_FILE_NAME + ": "
                    + oneLine(e) + " (the journal itself is complete)");
        } finally {
            journal.close();
        }
    }

    private static Duration seconds(double value) {
        return Duration.ofNanos(Math.round(value * 1_000_000_000d));
    }

    /** The message of {@code e} as one line that is safe on a terminal, whatever a file or an option put in it. */
    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return MessageText.escape(message);
    }
}
