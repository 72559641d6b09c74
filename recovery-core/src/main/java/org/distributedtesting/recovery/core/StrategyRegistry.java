package org.distributedtesting.recovery.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The strategies known by name: discovered from {@link RecoveryStrategyProvider}s with {@link ServiceLoader},
 * registered by code, or replacing a built-in explicitly. Names resolve to strategies, or to named sets of them
 * for {@code --strategy NAME}; {@value #ALL} is always the set of every strategy.
 *
 * <p>Thread-safe: every method is synchronized on the registry.
 */
public final class StrategyRegistry {

    /** The set that holds every registered strategy. */
    public static final String ALL = "all";

    private static final Logger LOG = LoggerFactory.getLogger(StrategyRegistry.class);

    private final Map<String, RecoveryStrategy> strategies = new TreeMap<>(); // guarded by this
    private final Map<String, Set<String>> sets = new TreeMap<>(); // guarded by this
    private final List<String> problems = new ArrayList<>(); // guarded by this

    /** An empty registry. */
    public StrategyRegistry() {
    }

    /**
     * A registry of every strategy the providers on the class path or module path contribute. A provider that
     * cannot be loaded or throws is skipped and reported in {@link #problems()}; two providers of one strategy name
     * fail, and so does a provider whose strategy refuses its settings: skipping it would run without every one of
     * its strategies because one setting is wrong, and then call them unknown.
     *
     * @param settings each strategy's tuning, by strategy name
     * @throws IllegalStateException if two providers contribute strategies of one name
     * @throws SettingsException if a strategy refuses its settings
     */
    public static StrategyRegistry discover(Function<String, Settings> settings) {
        return discover(settings, ServiceLoader.load(RecoveryStrategyProvider.class));
    }

    /**
     * As {@link #discover(Function)}, with the providers {@code loader} and its parents see: the daemon's plugin
     * jars in a class loader whose parent is the application's, so the built-ins are found as well.
     *
     * @param settings each strategy's tuning, by strategy name
     * @param loader   where to look for {@code META-INF/services} provider files
     * @throws NullPointerException if {@code loader} is null
     * @throws IllegalStateException if two providers contribute strategies of one name
     * @throws SettingsException if a strategy refuses its settings
     */
    public static StrategyRegistry discover(Function<String, Settings> settings, ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        return discover(settings, ServiceLoader.load(RecoveryStrategyProvider.class, loader));
    }

    static StrategyRegistry discover(Function<String, Settings> settings,
                                     Iterable<RecoveryStrategyProvider> providers) {
        StrategyRegistry registry = new StrategyRegistry();
        Map<String, RecoveryStrategy> replacements = new TreeMap<>();
        Iterator<RecoveryStrategyProvider> it = providers.iterator();
        while (true) {
            RecoveryStrategyProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                registry.problem("a strategy provider could not be loaded: " + e.getMessage());
                continue;
            }
            List<RecoveryStrategy> contributed;
            Map<String, Set<String>> providedSets;
            Set<String> replaces;
            try {
                contributed = List.copyOf(provider.strategies(settings));
                providedSets = Map.copyOf(provider.strategySets());
                replaces = Set.copyOf(provider.replaces());
            } catch (SettingsException e) {
                throw e; // the configuration is wrong, not the provider
            } catch (RuntimeException e) {
                registry.problem("strategy provider " + provider.getClass().getName() + " failed: " + e);
                continue;
            }
            for (RecoveryStrategy strategy : contributed) {
                if (!replaces.contains(strategy.name())) {
                    registry.register(strategy);
                    continue;
                }
                RecoveryStrategy other = replacements.putIfAbsent(strategy.name(), strategy);
                if (other != null) {
                    throw new IllegalStateException("two providers replace strategy '" + strategy.name() + "': "
                            + other.getClass().getName() + " and " + strategy.getClass().getName());
                }
            }
            providedSets.forEach(registry::registerSet);
        }
        replacements.values().forEach(registry::replace);
        return registry;
    }

    private synchronized void problem(String message) {
        LOG.warn("{}", message);
        problems.add(message);
    }

    /**
     * Adds a strategy.
     *
     * @throws IllegalStateException if a strategy of that name is registered; the message names both classes
     */
    public synchronized StrategyRegistry register(RecoveryStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        String name = Objects.requireNonNull(strategy.name(), "strategy name");
        RecoveryStrategy existing = strategies.get(name);
        if (existing != null) {
            throw new IllegalStateException("two strategies are named '" + name + "': "
                    + existing.getClass().getName() + " and " + strategy.getClass().getName()
                    + "; to override a strategy use replace(...)");
        }
        strategies.put(name, strategy);
        return this;
    }

    /**
     * Replaces the strategy of the same name (for example a built-in with a host's subclass).
     *
     * @return the strategy replaced
     * @throws UnknownStrategyException if no strategy has that name
     */
    public synchronized RecoveryStrategy replace(RecoveryStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        if (!strategies.containsKey(strategy.name())) {
            throw unknown(strategy.name());
        }
        RecoveryStrategy old = strategies.put(strategy.name(), strategy);
        LOG.info("strategy '{}' replaced: {} -> {}", strategy.name(), old.getClass().getName(),
                strategy.getClass().getName());
        return old;
    }

    /**
     * Defines a named set of strategy names, merged with any set of that name.
     *
     * @throws IllegalArgumentException if the name is {@value #ALL} or a strategy's name
     */
    public synchronized StrategyRegistry registerSet(String name, Set<String> members) {
        Objects.requireNonNull(name, "name");
        if (ALL.equals(name) || strategies.containsKey(name)) {
            throw new IllegalArgumentException("set name '" + name + "' is taken by "
                    + (ALL.equals(name) ? "the set of every strategy" : "a strategy"));
        }
        sets.computeIfAbsent(name, k -> new LinkedHashSet<>()).addAll(members);
        return this;
    }

    /** Every strategy, in precedence order of its failure type. */
    public synchronized List<RecoveryStrategy> all() {
        List<RecoveryStrategy> list = new ArrayList<>(strategies.values());
        list.sort((a, b) -> a.type().compareTo(b.type()));
        return list;
    }

    /** Registered strategy names, sorted. */
    public synchronized List<String> names() {
        return List.copyOf(strategies.keySet());
    }

    /** Set names, sorted, {@value #ALL} included. */
    public synchronized List<String> setNames() {
        List<String> names = new ArrayList<>();
        names.add(ALL);
        names.addAll(sets.keySet());
        names.sort(null);
        return names;
    }

    /**
     * The strategies a name stands for: {@value #ALL}, a strategy's name, a set's name, or several of those
     * separated by commas, in precedence order.
     *
     * @throws UnknownStrategyException naming the unknown name and listing the known ones
     */
    public synchronized List<RecoveryStrategy> resolve(String names) {
        Objects.requireNonNull(names, "names");
        Set<RecoveryStrategy> chosen = new LinkedHashSet<>();
        for (String raw : names.split(",")) {
            String name = raw.trim();
            if (ALL.equals(name)) {
                chosen.addAll(strategies.values());
            } else if (strategies.containsKey(name)) {
                chosen.add(strategies.get(name));
            } else if (sets.containsKey(name)) {
                for (String member : sets.get(name)) {
                    RecoveryStrategy s = strategies.get(member);
                    if (s == null) {
                        throw new IllegalStateException("set '" + name + "' names strategy '" + member
                                + "', which is not registered; known strategies: " + String.join(", ", names()));
                    }
                    chosen.add(s);
                }
            } else {
                throw unknown(name);
            }
        }
        List<RecoveryStrategy> list = new ArrayList<>(chosen);
        list.sort((a, b) -> a.type().compareTo(b.type()));
        return list;
    }

    /** What went wrong while discovering providers; empty when all loaded. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private UnknownStrategyException unknown(String name) {
        return new UnknownStrategyException(name, names(), setNames());
    }
}
