using System.Collections;
using Slipway.Build.Caching;
using Slipway.Build.Explain;
using Slipway.Build.Keys;
using Slipway.Build.Recipes;
using Slipway.Build.Store;

namespace Slipway.Build.Building;

/// <summary>
/// Plans and runs dependency builds: keys in topological order, then every package whose key is not stored is built,
/// independent packages in parallel (<see cref="BuildOptions.Parallelism"/>). One instance per run: git mirrors are
/// fetched once per instance.
/// </summary>
public sealed class PackageBuilder : IDisposable
{
    private readonly BuildOptions _options;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly TimeProvider _time;
    private readonly LocalFolderStore _store;
    private readonly GitMirrors _mirrors;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly string _logs;
    private readonly DigestCache _digests;

    /// <param name="options">Folders and parallelism.</param>
    /// <param name="environment">The builder's environment (allowlisted variables, PATH, HOME); the process's when null.</param>
    /// <param name="time">The clock for build times (the system's when null).</param>
    public PackageBuilder(BuildOptions options, IReadOnlyDictionary<string, string?>? environment = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallelism, 1);
        _options = options;
        _environment = environment ?? Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        _time = time ?? TimeProvider.System;
        _store = new LocalFolderStore(options.StoreDirectory);
        _mirrors = new GitMirrors(Path.Combine(options.WorkDirectory, "git"));
        _logs = options.LogDirectory ?? Path.Combine(options.WorkDirectory, "logs");
        _digests = DigestCache.Load(Path.Combine(options.WorkDirectory, DigestsFile), _time);
    }

    /// <summary>The digest cache's file in the work folder (<see cref="DigestCache"/>).</summary>
    public const string DigestsFile = "digests";

    /// <summary>Files read and hashed by this builder's plans (the rest came from the digest cache).</summary>
    public int FilesHashed => _digests.Hashed;

    /// <summary>Git mirrors cloned or fetched by this builder (remote refs are listed with ls-remote instead).</summary>
    public int GitFetches => _mirrors.Fetches;

    /// <summary>Repositories whose refs this builder listed with <c>git ls-remote</c>.</summary>
    public int GitRefListings => _mirrors.RefListings;

    public LocalFolderStore Store => _store;

    /// <summary>Keys and decisions for the selected packages and their dependencies (all when none is selected).</summary>
    public async Task<BuildPlan> PlanAsync(IReadOnlyList<PackageRecipe> recipes, IReadOnlyCollection<string> selected,
        CancellationToken ct)
    {
        var graph = BuildGraph.Create(recipes);
        var platform = await PlatformDetector.DetectAsync(ct);
        var closure = graph.Closure(selected).ToList();
        if (closure.FirstOrDefault(r => r.Platform is { } wanted && wanted != platform.OsArch) is { } foreign)
        {
            throw new BuildStepException($"{foreign.Name}: targets {foreign.Platform}, this machine is {platform.OsArch}");
        }

        // What each key needs (source identity, patch and tool digests) does not depend on other packages: looked up
        // side by side. The keys themselves chain through dependencies, in topological order (pure, fast).
        var resolver = new InputResolver(_options, _mirrors, platform, _environment, _digests);
        var resolved = new ResolvedInputs[closure.Count];
        await ForEachAsync(closure.Count, async (i, t) => resolved[i] = await resolver.ResolveAsync(closure[i], t), ct);
        _digests.Save();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var packageKeys = new PackageKey[closure.Count];
        for (var i = 0; i < closure.Count; i++)
        {
            packageKeys[i] = ContentKey.For(closure[i], resolved[i], keys);
            keys[closure[i].Name] = packageKeys[i].Key;
        }

        // Local look-ups side by side; the shared store only for local misses, one after another (its first error
        // stops further asking, so an unreachable store costs one time-out).
        var local = new ArtifactManifest?[closure.Count];
        await ForEachAsync(closure.Count, async (i, t) => local[i] = await _store.FindAsync(closure[i].Name, packageKeys[i].Key, t), ct);
        var plans = new List<PackagePlan>(closure.Count);
        for (var i = 0; i < closure.Count; i++)
        {
            var (recipe, key, cached) = (closure[i], packageKeys[i], local[i]);
            var where = cached is null ? null : "local";
            if (cached is null && _options.Remote is { } remote && await remote.LookupAsync(recipe.Name, key.Key, ct) is { } shared)
            {
                (cached, where) = (shared, remote.Kind);
            }

            var newest = cached ?? await _store.NewestAsync(recipe.Name, ct);
            var reason = cached is not null ? "cached" : InputDiff.Summary(newest?.Inputs, key.Inputs);
            plans.Add(new PackagePlan(recipe, key, cached, newest, reason, where));
        }

        return new BuildPlan(plans, platform);
    }

    /// <summary>Runs <paramref name="body"/> for 0..count-1, a few at once; the first failure (in index order) is thrown.</summary>
    private static async Task ForEachAsync(int count, Func<int, CancellationToken, Task> body, CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(PlanParallelism, PlanParallelism);
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await slots.WaitAsync(ct);
                try
                {
                    await body(index, ct);
                }
                finally
                {
                    slots.Release();
                }
            }, ct);
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception) when (tasks.FirstOrDefault(t => t.IsFaulted) is { Exception.InnerException: { } first })
        {
            // Report the failure of the first package in plan order, as a sequential plan would.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    // Planning reads files and starts git only on misses: more at once than cores helps while some wait for I/O.
    private static readonly int PlanParallelism = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Builds what the plan says must be built. Failures are outcomes, not exceptions; cancellation throws.</summary>
    public Task<BuildResult> BuildAsync(BuildPlan plan, CancellationToken ct) => BuildAsync(plan, null, ct);

    /// <summary><see cref="BuildAsync(BuildPlan, CancellationToken)"/>, telling <paramref name="progress"/> when each package starts and ends.</summary>
    public async Task<BuildResult> BuildAsync(BuildPlan plan, Action<BuildProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var resolver = new InputResolver(_options, _mirrors, plan.Platform, _environment, _digests);
        var tree = new SourceTree(_mirrors, resolver, _http, Path.Combine(_options.WorkDirectory, "tarballs"));
        using var run = new BuildRun(_options, plan, _store, tree, _environment, _time, _logs, progress);
        return await run.ExecuteAsync(ct);
    }

    public void Dispose()
    {
        _http.Dispose();
        _options.Remote?.Store.Dispose();
    }
}
