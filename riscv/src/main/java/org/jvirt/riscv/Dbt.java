package org.jvirt.riscv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The binary-translation engine of one hart: finds or makes the translation for the current pc, runs
 * it, follows the links between translations, and leaves cold code to the interpreter.
 *
 * <p>Translations are keyed by the physical (RAM) address of their first instruction and the data
 * context their loads and stores assume (see {@link TranslatedBlock#dataCtx}), so one made under one
 * mapping serves every virtual address that maps there; what a link assumed about the
 * mapping is checked by the epoch, which the MMU advances whenever a translation may have changed
 * (satp, sfence.vma, privilege, PMP). A region is translated once it has been entered
 * {@link #THRESHOLD} times; code that the guest writes is dropped (see {@link CodeCache#written}) and
 * must become hot again, twice as hot for each time it was dropped, so code that keeps being rewritten
 * stays in the interpreter instead of being translated over and over.
 *
 * <p>Translation happens on a background thread: the hart finds the region's instructions (a read of
 * its own code cache), hands them over and goes on interpreting; the translation is installed at the
 * start of a later chunk, unless a store reached its code meanwhile. The hart therefore never waits
 * for the class-file builder or the class loader, which matters most while code is hot only briefly,
 * as during a kernel's boot. Under lockstep, and when {@code -Djvirt.dbt.background=false}, regions are
 * translated in place, at once.
 */
final class Dbt {
    /** Entries into a region before it is translated; tunable with -Djvirt.dbt.threshold. */
    static final int THRESHOLD = Math.max(1, Integer.getInteger("jvirt.dbt.threshold", 50_000));
    /**
     * The same in user mode; tunable with -Djvirt.dbt.userThreshold. A Linux guest's programs are its
     * workload, and code they run once per iteration of a loop stayed interpreted for half of a
     * 100,000-iteration shell loop at 50,000; a boot is mostly kernel code, hot only briefly, which a
     * lower threshold would translate at a cost (docs/benchmarks.md). With 5,000 the shell loop ran
     * 6.37 s against 6.92 s (6 alternated pairs), the boot no slower; 1,000 and 2,500 were slower.
     */
    static final int USER_THRESHOLD = Math.max(1, Integer.getInteger("jvirt.dbt.userThreshold", 5_000));
    /**
     * What a jump from translated code to code not translated adds to the target's heat, against 1 for
     * a jump the interpreter makes (see {@link #exitedTo}); tunable with -Djvirt.dbt.exitHeat. Measured:
     * 10 ran the Linux guest's shell loop (bench/guest-cpu.sh) in 10.1 s against 11.9 s with 1, and
     * 11.3 and 10.5 s with 5 and 25, without slowing the boot.
     */
    static final int EXIT_HEAT = Math.max(1, Integer.getInteger("jvirt.dbt.exitHeat", 10));
    /**
     * The same in user mode (-Djvirt.dbt.userExitHeat); see {@link #USER_THRESHOLD}: the 100,000-iteration
     * shell loop took 4.45 s with 200 against 4.99 s with 10 (3 alternated runs each; 50 and 1,000
     * measured 4.52 and 4.41 s), boots the same (1.372 against 1.368 s, 10 alternated). A global exit
     * heat of 50 had cost the boot 8%, through kernel code.
     */
    static final int USER_EXIT_HEAT = Math.max(1, Integer.getInteger("jvirt.dbt.userExitHeat", 200));
    /** Live translations before the cache starts afresh; tunable with -Djvirt.dbt.blocks. */
    static final int MAX_BLOCKS = Math.max(16, Integer.getInteger("jvirt.dbt.blocks", 16384));
    /** Longest region, in instructions; tunable with -Djvirt.dbt.length. */
    static final int MAX_LENGTH = Math.max(1, Math.min(Translator.MAX_LENGTH, Integer.getInteger("jvirt.dbt.length", Translator.MAX_LENGTH)));

    /** Translate on a background thread (see the class comment); tunable with -Djvirt.dbt.background. */
    static final boolean BACKGROUND = Boolean.parseBoolean(System.getProperty("jvirt.dbt.background", "true"));
    /**
     * The niceness (Linux) of the thread that translates kernel and firmware code: at 19 it takes a
     * core only when the hart and the JIT's threads leave one free, which made boots 2-4% faster
     * (docs/benchmarks.md). On a host other processes keep busy, translations then arrive late;
     * -Djvirt.dbt.nice=0 turns it off.
     */
    static final int NICE = Integer.getInteger("jvirt.dbt.nice", 19);
    /**
     * The niceness of the thread that translates user-mode code, a Linux guest's workload, which waits
     * for its translations in the interpreter (-Djvirt.dbt.userNice): at 0 instead of 19, the shell
     * loop of bench/guest-cpu.sh took 4.67 s against 5.33 s (4 alternated pairs), and boots, mostly
     * kernel code, did not change (1.482 against 1.481 s, 10 alternated).
     */
    static final int USER_NICE = Integer.getInteger("jvirt.dbt.userNice", 0);
    /** One thread translates kernel code for every hart: translation is rare, and the JIT needs the other cores. */
    static final ExecutorService TRANSLATOR_THREAD = translatorThread("jvirt-translator", NICE);
    /** And one user-mode code, so that the workload's translations do not wait behind the kernel's. */
    static final ExecutorService USER_TRANSLATOR_THREAD = translatorThread("jvirt-translator-user", USER_NICE);

    private static ExecutorService translatorThread(String name, int nice) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                if (nice > 0) org.jvirt.machine.Libc.niceCurrentThread(nice);
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        });
    }

    private final Hart h;
    /** See {@link #BACKGROUND}; tests that want every region translated at once clear it. */
    boolean background = BACKGROUND;
    /** Regions handed to the background thread and not yet installed. */
    private final List<Job> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Jobs the background thread has finished, for the hart to install. */
    private final ConcurrentLinkedQueue<Job> finished = new ConcurrentLinkedQueue<>();

    /**
     * A region being translated in the background, from instructions read at mapping epoch {@code
     * epoch}, for the table's entry of {@code key} (see {@link Dbt#key}).
     */
    private static final class Job {
        final long vpc, start, end, epoch, key;
        final List<Translator.Op> ops;
        /** Set when the region's code was written before the job was installed (by DMA too: volatile). */
        volatile boolean cancelled;
        /** Written by the background thread before the job is queued in {@link #finished}. */
        TranslatedBlock result;
        /** What the translator threw, if it failed: a bug, reported on the hart's thread. */
        RuntimeException failure;
        long nanos;

        Job(long vpc, long start, long end, long epoch, long key, List<Translator.Op> ops) {
            this.vpc = vpc;
            this.start = start;
            this.end = end;
            this.epoch = epoch;
            this.key = key;
            this.ops = ops;
        }
    }
    /** Under {@code --engine lockstep}: checks each translated run against the interpreter. */
    Lockstep lockstep;
    /**
     * S- and U-mode instructions after which that code is translated even if the hart has not yet
     * waited for an interrupt (-Djvirt.dbt.bootGate; 0 turns the gate off). Until either happens, the
     * guest is taken to be booting: a kernel's boot runs each piece of its code briefly, so the bundled
     * guest's translations ran 2-3% of its boot's instructions, and translating them, with the JIT
     * compiling them on the core the JVM's own warm-up needs, made the boot 8% slower than the
     * interpreter's (docs/benchmarks.md). A booted guest waits for input or work, and a workload
     * started at its prompt then finds translation on; one that init starts finds it on after this
     * many instructions. Machine-mode code (firmware, bare-metal programs) is never held back.
     */
    static final long BOOT_GATE = Long.getLong("jvirt.dbt.bootGate", 200_000_000L);
    /** S- and U-mode instructions left before the boot gate opens; negative once it is open. */
    private long gateLeft = BOOT_GATE > 0 ? BOOT_GATE : -1;
    /** S- and U-mode instructions the boot gate kept to the interpreter (for the statistics). */
    private long bootInterpreted;
    /**
     * Entries before translation, and what an exit to code not translated weighs, by privilege level
     * (U 0, S 1, M 3).
     */
    private final int[] thresholds = new int[4], exitHeats = new int[4];
    {
        setThresholds(THRESHOLD, Math.min(THRESHOLD, USER_THRESHOLD));
        java.util.Arrays.fill(exitHeats, EXIT_HEAT);
        exitHeats[Hart.U] = USER_EXIT_HEAT;
    }

    /** Entries before translation in kernel and firmware code, and in user code. */
    void setThresholds(int kernel, int user) {
        java.util.Arrays.fill(thresholds, kernel);
        thresholds[Hart.U] = user;
    }

    /** Closes the boot gate for {@code instructions} more S- and U-mode instructions (tests). */
    void closeGate(long instructions) {
        gateLeft = instructions;
    }

    /** Lets S- and U-mode code be translated from now on (the guest idled, or --dbt-threshold). */
    void openGate() {
        gateLeft = -1;
    }

    /**
     * Whether the hart runs code that the boot gate holds back. The hart then interprets it exactly as
     * the interpreter does, counting no jumps, so nothing of the boot's S- and U-mode code is hot when
     * the gate opens (a chunk of machine-mode code ends at the change of privilege).
     */
    boolean booting() {
        return gateLeft >= 0 && h.priv != Hart.M;
    }

    /** The hart interpreted {@code retired} instructions because it was {@link #booting}. */
    void heldBack(long retired) {
        bootInterpreted += retired;
        if ((gateLeft -= retired) < 0) gateLeft = -1;
    }

    /** The hart waits for an interrupt: the guest has booted (see {@link #BOOT_GATE}). */
    void idled() {
        openGate();
    }

    /** What an exit to code not translated weighs, for the code the hart runs now. */
    private int exitHeat() {
        return exitHeats[h.priv];
    }

    /** The threshold for the code the hart runs now. */
    private int threshold() {
        return thresholds[h.priv];
    }
    private final Translator translator;
    private final Map<Long, List<TranslatedBlock>> byPage = new HashMap<>();
    private static final int MAX_ENTRIES = 1 << 20;
    private long[] keys = new long[1 << 12], vkeys = new long[1 << 12];
    private Entry[] entries = new Entry[1 << 12];
    private int size, live;

    /** What {@code --stats} reports about this engine. */
    long chained, dispatched, lookups, hits, invalidations, translatedInstructions, flushes;


    /** Translations by virtual address, direct-mapped: what a stop of the interpreter is checked against. */
    private final TranslatedBlock[] jumpCache = new TranslatedBlock[JUMP_CACHE];
    /**
     * Jumps seen by the interpreter, by target, direct-mapped; {@link #OWNED} where the jump cache holds
     * a translation, so that one compare tells the interpreter to stop both at hot code and at
     * translated code (collisions only blur the heuristic).
     */
    private final int[] heat = new int[JUMP_CACHE];
    /** Stops at a slot owned by another address's translation: that address's own heat. */
    private final int[] collided = new int[JUMP_CACHE];
    private static final int JUMP_CACHE = 1 << 14;
    /** Heat of a slot whose translation is in the jump cache: at least any threshold, and far from overflow. */
    private static final int OWNED = 1 << 30;

    private static final class Entry {
        int count;
        int drops;
        TranslatedBlock block;
        /** A background translation of this region is under way. */
        boolean queued;
    }

    Dbt(Hart h) {
        this.h = h;
        this.translator = new Translator(h.mmu);
        h.codeCache.register(this);
    }

    /**
     * Runs about {@code n} instructions and at most {@code limit}, as {@link Hart#step} runs a chunk, and
     * returns how many retired. A translation may run past {@code n} (by less than its length), never past
     * {@code limit}: the budget of {@link Hart#run} is exact. (Counted here, not read from instret, which
     * the guest may write.)
     */
    long runChunk(int n, long limit) {
        if (!finished.isEmpty()) installFinished();
        long left = n, hard = limit;
        h.breakChunk = false;
        TranslatedBlock next = null, prev = null;
        int exit = -1;
        while (left > 0 && hard > 0 && !h.breakChunk) {
            long pc = h.pc;
            TranslatedBlock b = next;
            if (b != null && b.pc == pc && b.epoch == h.mapEpoch && b.length <= hard) { // a current epoch: valid too
                chained++;
            } else {
                int slot = index(pc);
                b = jumpCache[slot];
                if (b != null && b.pc == pc) heat[slot] = OWNED; // counted up by every stop here
                if (b == null || b.pc != pc || b.epoch != h.mapEpoch) {
                    if (prev != null) exitedTo(pc);
                    b = find(pc);
                }
                if (b != null && b.length > hard) b = null;
                if (b == null) { // cold code: the interpreter runs it, until it jumps to something hot
                    if (!h.breakChunk) {
                        int k = h.interpretCold((int) Math.min(left, hard));
                        left -= k;
                        hard -= k;
                    }
                    prev = next = null;
                    continue;
                }
                if (prev != null && exit >= 0 && prev.valid()) prev.links[exit] = b;
                dispatched++;
            }
            int budget = (int) Math.min(left, hard - b.length); // left is at most n
            long retired;
            if (lockstep == null) {
                long before = h.instret;
                prev = b.enter(h, budget, 0); // the end of the chain b started
                retired = h.instret - before;
                exit = h.dbtExit;
                next = exit >= 0 ? prev.links[exit] : null;
                h.dbtNested += h.dbtDepth;
            } else { // runs it twice, takes any trap, and leaves the interpreter's result
                retired = lockstep.runChecked(b, budget);
                next = prev = null;
            }
            left -= retired;
            hard -= retired;
            translatedInstructions += retired;
            if (h.dbtTrapped) {
                h.dbtTrapped = false;
                next = prev = null;
                h.takeTrap(h.trapCause, h.trapValue);
            }
            if (lockstep != null && lockstep.divergence != null) {
                h.requestStop();
                break;
            }
        }
        return limit - hard;
    }

    private static int index(long pc) {
        return (int) (pc >>> 1) & (JUMP_CACHE - 1);
    }

    /**
     * The interpreter jumped to {@code pc}: true if it should stop there, because a translation may be
     * there or the target has just become hot. Without a branch of its own: inlined in the interpreter's
     * loop, a branch that was never taken would be compiled as a trap, and the first hot target would
     * send the whole loop back to the JIT.
     */
    boolean jumpedTo(long pc) {
        return heated(pc, 1);
    }

    /** Adds {@code weight} to the heat at {@code pc}; whether it reached the threshold (or a translation owns the slot). */
    private boolean heated(long pc, int weight) {
        int i = index(pc);
        int v = heat[i] + weight;
        heat[i] = v;
        return v >= threshold();
    }

    /**
     * A translation left for {@code pc}, which has none. That is a jump too, or code reached only from
     * translations (the code after a translated loop, an outer loop's head) would never become hot; and
     * it weighs {@link #EXIT_HEAT} jumps: code that translated code keeps running into is on a path
     * already proven hot, and interpreting it costs far more than the translated code around it.
     */
    private void exitedTo(long pc) {
        int i = index(pc);
        if (heat[i] >= OWNED) collided[i] += exitHeat() - 1; // takeHeat adds the last one
        else heat[i] += exitHeat();
    }

    /** The interpreter fell through to {@code pc} from an instruction no translation holds: as an exit. */
    boolean fellTo(long pc) {
        return heated(pc, exitHeat());
    }

    /** Whether the code at {@code pc}, not translated, is hot: its heat is taken, to count afresh. */
    private boolean takeHeat(long pc) {
        int i = index(pc);
        if (heat[i] >= OWNED) { // a translation owns the slot: this address's jumps are counted apart
            heat[i] = OWNED; // each stop here added to it: keep it far from overflow
            if (++collided[i] < threshold()) return false;
            collided[i] = 0;
            return true;
        }
        if (heat[i] < threshold()) return false;
        heat[i] = 0;
        return true;
    }

    /** Puts {@code b} in the jump cache: the interpreter stops at its address from now on. */
    private void cache(TranslatedBlock b) {
        int i = index(b.pc);
        // The collisions counted were of addresses other than the owner: a new owner starts them afresh.
        // The same one cached again (after each change of mapping epoch) must not, or the addresses
        // that share its slot would never become hot.
        if (jumpCache[i] != b) collided[i] = 0;
        jumpCache[i] = b;
        heat[i] = OWNED;
    }

    /** The translation to run at {@code pc}, made now if the code there is hot; null if none, or after a fetch fault. */
    private TranslatedBlock find(long pc) {
        lookups++;
        boolean wanted = takeHeat(pc);
        long page;
        try {
            page = h.mmu.executablePage(pc);
        } catch (Trap t) {
            h.takeTrap(h.trapCause, h.trapValue);
            h.breakChunk = true;
            return null;
        }
        if (page < 0) return null;
        long key = key(page + (pc & 0xfff), h.mmu.dataCtx);
        Entry e = entry(key, pc);
        if (e == null) {
            // Most lookups are of cold code (every chunk of interpretation starts with one): an entry
            // is made only for code about to be translated, so the table holds hot code alone.
            if (!wanted) return null;
            e = insert(key, pc);
        }
        TranslatedBlock b = e.block;
        if (b == null && wanted && !e.queued && e.drops < 20 && (e.drops == 0 || ++e.count >= 1 << e.drops)) {
            e.count = 0;
            if (background && lockstep == null) {
                queue(e, key, pc, page);
                return null;
            }
            b = translator.translate(h, pc, page, MAX_LENGTH);
            if (b != null) install(e, b);
        }
        if (b == null) return null;
        hits++;
        b.epoch = h.mapEpoch;
        cache(b);
        return b;
    }

    /** Hands the region at {@code pc} (RAM page {@code page}, table entry {@code e} of {@code key}) to the background thread. */
    private void queue(Entry e, long key, long pc, long page) {
        List<Translator.Op> ops = Translator.scan(h, pc, page, MAX_LENGTH);
        if (ops.isEmpty()) return;
        Translator.Op last = ops.getLast();
        long dataCtx = h.mmu.dataCtx; // read here: the hart's thread owns it
        Job job = new Job(pc, page + (pc & 0xfff), page + (last.pc() & 0xfff) + last.d().len, h.mapEpoch, key, ops);
        e.queued = true;
        pending.add(job);
        (h.priv == Hart.U ? USER_TRANSLATOR_THREAD : TRANSLATOR_THREAD).execute(() -> {
            long t0 = System.nanoTime();
            try {
                job.result = translator.build(job.ops, page, dataCtx);
            } catch (RuntimeException | LinkageError failure) {
                job.failure = failure instanceof RuntimeException r ? r : new IllegalStateException("defining a translation failed", failure);
            } finally {
                job.nanos = System.nanoTime() - t0;
                finished.add(job); // publishes result and nanos to the hart's thread
            }
        });
    }

    /** Regions handed to the background thread and not yet installed (tests). */
    int pendingTranslations() {
        return pending.size();
    }

    /** Waits until the background thread has finished every region handed to it (tests). */
    void awaitBackground() throws InterruptedException {
        while (finished.size() < pending.size()) Thread.sleep(1);
    }

    /** Installs what the background thread has translated, except regions whose code was written since. */
    private void installFinished() {
        for (Job job; (job = finished.poll()) != null; ) {
            pending.remove(job);
            Entry e = entry(job.key, job.vpc);
            if (e != null) e.queued = false;
            if (job.failure != null) throw job.failure; // as translating in place would
            TranslatedBlock b = job.result;
            if (job.cancelled || b == null) continue;
            translator.count(b, job.nanos);
            if (e == null) e = insert(job.key, job.vpc);
            if (e.block != null) continue;
            install(e, b);
            // Until it is in the jump cache the interpreter does not stop at it; it may go there only if
            // pc still maps where the instructions were read.
            if (job.epoch == h.mapEpoch) {
                b.epoch = job.epoch;
                cache(b);
            }
        }
    }

    private void install(Entry e, TranslatedBlock b) {
        if (live >= MAX_BLOCKS) {
            dropAll();
            flushes++;
            e = insert(key(b.start, b.dataCtx), b.pc); // the old entry went with the rest
        }
        e.block = b;
        live++;
        byPage.computeIfAbsent(b.start >>> 12, k -> new ArrayList<>()).add(b);
    }

    /** Guest code at RAM offsets [off, off + len) within one page was written: drop what it invalidates. */
    void written(long off, int len) {
        for (Job j : pending) if (j.start < off + len && off < j.end) j.cancelled = true;
        List<TranslatedBlock> blocks = byPage.get(off >>> 12);
        if (blocks == null) return;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            TranslatedBlock b = blocks.get(i);
            if (b.start < off + len && off < b.end) {
                b.invalidate();
                blocks.remove(i);
                int slot = index(b.pc);
                if (jumpCache[slot] == b) {
                    jumpCache[slot] = null;
                    heat[slot] = 0;
                }
                Entry e = entry(key(b.start, b.dataCtx), b.pc);
                if (e != null) {
                    e.block = null;
                    e.drops++;
                }
                live--;
                invalidations++;
                h.codeWrites++;
            }
        }
        if (blocks.isEmpty()) byPage.remove(off >>> 12);
    }

    /** Forgets every translation (the code cache was dropped, or this one is full). */
    void dropAll() {
        for (Job j : pending) j.cancelled = true;
        for (List<TranslatedBlock> l : byPage.values()) for (TranslatedBlock b : l) b.invalidate();
        byPage.clear();
        java.util.Arrays.fill(entries, null);
        java.util.Arrays.fill(jumpCache, null);
        java.util.Arrays.fill(heat, 0);
        java.util.Arrays.fill(collided, 0);
        size = 0;
        live = 0;
        h.codeWrites++;
    }

    /** The entry of the region at RAM offset {@code start} entered at virtual address {@code pc}, or null. */
    private Entry entry(long start, long pc) {
        int mask = keys.length - 1;
        for (int i = hash(start, pc) & mask; entries[i] != null; i = (i + 1) & mask)
            if (keys[i] == start && vkeys[i] == pc) return entries[i];
        return null;
    }

    /** A new entry; past {@link #MAX_ENTRIES} (addresses seen, mostly cold) everything starts afresh. */
    private Entry insert(long start, long pc) {
        if (size >= MAX_ENTRIES) {
            dropAll();
            flushes++;
        }
        if (2 * size >= keys.length) grow();
        int mask = keys.length - 1;
        int i = hash(start, pc) & mask;
        while (entries[i] != null) i = (i + 1) & mask;
        keys[i] = start;
        vkeys[i] = pc;
        size++;
        return entries[i] = new Entry();
    }

    /**
     * The table's key of a region at RAM offset {@code start} translated under data context {@code
     * dataCtx} (a constant of its code: see TranslatedBlock#dataCtx): the same code run at another
     * privilege has a translation of its own.
     */
    private static long key(long start, long dataCtx) {
        return start | dataCtx << 56;
    }

    private static int hash(long start, long pc) {
        return (int) (((start * 31 + pc) * 0x9E37_79B9_7F4A_7C15L) >>> 40);
    }

    private void grow() {
        long[] oldKeys = keys, oldV = vkeys;
        Entry[] old = entries;
        keys = new long[oldKeys.length * 2];
        vkeys = new long[oldKeys.length * 2];
        entries = new Entry[old.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < old.length; j++) {
            if (old[j] == null) continue;
            int i = hash(oldKeys[j], oldV[j]) & mask;
            while (entries[i] != null) i = (i + 1) & mask;
            keys[i] = oldKeys[j];
            vkeys[i] = oldV[j];
            entries[i] = old[j];
        }
    }

    DbtStats stats() {
        return new DbtStats(translator.translated, translator.bytecodeBytes, translator.nanos, live, lookups, hits,
                chained + h.dbtNested, dispatched, invalidations, flushes, translatedInstructions,
                lockstep == null ? 0 : lockstep.checked, lockstep == null ? 0 : lockstep.skipped,
                bootInterpreted, gateLeft < 0);
    }
}
