using System.Collections;
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
    }

    public LocalFolderStore Store => _store;

    /// <summary>Keys and decisions for the selected packages and their dependencies (all when none is selected).</summary>
    public async Task<BuildPlan> PlanAsync(IReadOnlyList<PackageRecipe> recipes, IReadOnlyCollection<string> selected,
        CancellationToken ct)
    {
        var graph = BuildGraph.Create(recipes);
        var platform = await PlatformDetector.DetectAsync(ct);
        var resolver = new InputResolver(_options, _mirrors, platform, _environment);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var plans = new List<PackagePlan>();
        foreach (var recipe in graph.Closure(selected))
        {
            if (recipe.Platform is { } wanted && wanted != platform.OsArch)
            {
                throw new BuildStepException($"{recipe.Name}: targets {wanted}, this machine is {platform.OsArch}");
            }

            var key = ContentKey.For(recipe, await resolver.ResolveAsync(recipe, ct), keys);
            keys[recipe.Name] = key.Key;
            var cached = await _store.FindAsync(recipe.Name, key.Key, ct);
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

    /// <summary>Builds what the plan says must be built. Failures are outcomes, not exceptions; cancellation throws.</summary>
    public Task<BuildResult> BuildAsync(BuildPlan plan, CancellationToken ct) => BuildAsync(plan, null, ct);

    /// <summary><see cref="BuildAsync(BuildPlan, CancellationToken)"/>, telling <paramref name="progress"/> when each package starts and ends.</summary>
    public async Task<BuildResult> BuildAsync(BuildPlan plan, Action<BuildProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var resolver = new InputResolver(_options, _mirrors, plan.Platform, _environment);
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
