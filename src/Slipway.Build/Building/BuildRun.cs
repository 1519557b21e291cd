using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using Slipway.Build.Store;

namespace Slipway.Build.Building;

/// <summary>
/// One execution of a <see cref="BuildPlan"/>. Each package is a task that waits for its dependencies' tasks, then for a
/// slot of the parallelism, so independent packages build side by side and a package never starts before what it needs.
/// </summary>
internal sealed class BuildRun(BuildOptions options, BuildPlan plan, LocalFolderStore store, SourceTree tree,
    IReadOnlyDictionary<string, string?> environment, TimeProvider time, string logs, Action<BuildProgress>? progress = null) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Parallelism, options.Parallelism);

    // Downloads are I/O, not CPU: more of them at once than builds (what makes restoring many artifacts fast).
    private readonly SemaphoreSlim _fetches = new(FetchParallelism, FetchParallelism);
    private const int FetchParallelism = 8;
    private readonly Dictionary<string, Task<PackageOutcome>> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<string>> _prefixes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task<BuildResult> ExecuteAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(logs);
        // Plans are in topological order, so every dependency's task exists before its dependents' tasks are made.
        foreach (var package in plan.Packages)
        {
            _tasks[package.Name] = Task.Run(async () => Report(await RunPackageAsync(package, ct)), ct);
        }

        var outcomes = await Task.WhenAll(_tasks.Values);
        await PushLeftOversAsync(ct);
        return new BuildResult(outcomes, options.Remote);
    }

    /// <summary>
    /// Artifacts that earlier runs built while the shared store was unreachable are pushed now, when it answered this
    /// run (or was not needed by it); the first failure stops it, and they stay marked for the next run.
    /// </summary>
    private async Task PushLeftOversAsync(CancellationToken ct)
    {
        if (options.Remote is not { Store.IsReadOnly: false, Down: false } remote)
        {
            return;
        }

        foreach (var manifest in await store.UnpushedAsync(ct))
        {
            if (!await remote.PushAsync(manifest, store.ArtifactPath(manifest), ct, leftOver: true))
            {
                return;
            }

            store.ClearUnpushed(manifest);
        }
    }

    private PackageOutcome Report(PackageOutcome outcome)
    {
        progress?.Invoke(new BuildProgress(outcome.Name, outcome));
        return outcome;
    }

    private async Task<PackageOutcome> RunPackageAsync(PackagePlan package, CancellationToken ct)
    {
        foreach (var dependency in package.Recipe.Depends)
        {
            var outcome = await _tasks[dependency];
            if (outcome.Status is PackageStatus.Failed or PackageStatus.Skipped)
            {
                return new PackageOutcome(package.Name, package.Key.Key, PackageStatus.Skipped,
                    $"dependency {dependency} {(outcome.Status == PackageStatus.Failed ? "failed" : "was skipped")}", TimeSpan.Zero);
            }
        }

        var reason = package.Reason;
        if (!package.MustBuild)
        {
            if (package.Where == "local" || options.Remote is not { } remote)
            {
                return new PackageOutcome(package.Name, package.Key.Key, PackageStatus.Cached, reason, TimeSpan.Zero, Where: "local");
            }

            // In the shared store only: download it (verified) into the local one, or build it when that fails.
            var started = time.GetTimestamp();
            await _fetches.WaitAsync(ct);
            try
            {
                if (await remote.FetchAsync(package.Cached!, store, Path.Combine(options.WorkDirectory, "fetch"), ct) is not { } failure)
                {
                    return new PackageOutcome(package.Name, package.Key.Key, PackageStatus.Cached, reason, time.GetElapsedTime(started),
                        Where: remote.Kind);
                }

                reason = failure;
            }
            finally
            {
                _fetches.Release();
            }
        }

        await _slots.WaitAsync(ct);
        try
        {
            progress?.Invoke(new BuildProgress(package.Name, null));
            return await BuildAsync(package with { Reason = reason }, ct);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<PackageOutcome> BuildAsync(PackagePlan package, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var logPath = Path.Combine(logs, package.Name + ".log");
        var scratch = Path.Combine(options.WorkDirectory, "builds", $"{package.Name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            await using (var log = new StreamWriter(logPath, append: false))
            {
                try
                {
                    await BuildInScratchAsync(package, scratch, log, ct);
                }
                catch (Exception e) when (e is BuildStepException or CorruptArtifactException or IOException
                    or UnauthorizedAccessException or InvalidDataException or System.ComponentModel.Win32Exception)
                {
                    // A package's failure is its outcome (dependents skip, others go on); only cancellation ends the run.
                    var message = e is BuildStepException ? e.Message : $"{package.Name}: {e.Message}";
                    await log.WriteLineAsync($"== FAILED: {message}");
                    await log.FlushAsync(ct);
                    log.Close();
                    return new PackageOutcome(package.Name, package.Key.Key, PackageStatus.Failed, package.Reason,
                        time.GetElapsedTime(started), logPath, message, await TailAsync(logPath, ct));
                }
            }

            return new PackageOutcome(package.Name, package.Key.Key, PackageStatus.Built, package.Reason,
                time.GetElapsedTime(started), logPath);
        }
        finally
        {
            // The scratch folder is never the artifact: only PutAsync's rename publishes a key, so deleting it is always safe.
            TryDelete(scratch);
        }
    }

    private async Task BuildInScratchAsync(PackagePlan package, string scratch, StreamWriter log, CancellationToken ct)
    {
        var recipe = package.Recipe;
        var started = time.GetTimestamp();
        await log.WriteLineAsync($"== {recipe.Name} {package.Key.Key}: {package.Reason}");
        var source = await tree.CheckoutAsync(recipe, package.Key.Inputs[0].Value, Path.Combine(scratch, "src"), log, ct);
        await tree.ApplyPatchesAsync(recipe, source, log, ct);
        var prefix = Path.Combine(scratch, "prefix");
        Directory.CreateDirectory(prefix);
        var env = await StepEnvironmentAsync(package, prefix, ct);
        for (var i = 0; i < recipe.Steps.Count; i++)
        {
            var step = recipe.Steps[i];
            await log.WriteLineAsync($"== step {i + 1}: {step}");
            await log.FlushAsync(ct);
            var result = await ProcessRunner.RunAsync("/bin/sh", ["-e", "-c", step], source, log, ct, env);
            if (result.ExitCode != 0)
            {
                throw new BuildStepException($"{recipe.Name}: step {i + 1} failed (exit {result.ExitCode}): {step}");
            }
        }

        var artifact = Path.Combine(scratch, LocalFolderStore.ArtifactFile);
        await PackAsync(prefix, artifact, ct);
        var manifest = new ArtifactManifest
        {
            Package = recipe.Name,
            Key = package.Key.Key,
            Inputs = package.Key.Inputs,
            Files = await ListFilesAsync(prefix, ct),
            ArtifactSha256 = await FileHashing.Sha256Async(artifact, ct),
            ArtifactSize = new FileInfo(artifact).Length,
            BuiltAt = time.GetUtcNow(),
            Builder = $"slipway/{typeof(BuildRun).Assembly.GetName().Version} on {Environment.MachineName}",
            BuildSeconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 3),
        };
        if (options.Signer is { } signer)
        {
            manifest = signer.Sign(manifest);
        }

        await store.PutAsync(manifest, artifact, ct);
        await log.WriteLineAsync($"== stored {recipe.Name} {package.Key.Key}");
        if (options.Remote is { Store.IsReadOnly: false } remote)
        {
            await log.WriteLineAsync($"== uploading to {remote.Store.Location}");
            await log.FlushAsync(ct);
            if (await remote.PushAsync(manifest, artifact, ct))
            {
                await log.WriteLineAsync("== uploaded");
            }
            else
            {
                // Pushed by the next run that reaches the store, although that run finds it locally.
                store.MarkUnpushed(manifest);
                await log.WriteLineAsync($"== not uploaded: {remote.FirstError ?? "the store is down"}; the next run pushes it");
            }
        }
    }

    /// <summary>
    /// Only what the recipe allows, plus PREFIX, JOBS and its dependencies' prefixes: as &lt;NAME&gt;_PREFIX, and prepended
    /// to CPATH, LIBRARY_PATH, LD_LIBRARY_PATH and PKG_CONFIG_PATH so compilers and pkg-config find them unasked.
    /// </summary>
    private async Task<Dictionary<string, string>> StepEnvironmentAsync(PackagePlan package, string prefix, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = environment.GetValueOrDefault("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = environment.GetValueOrDefault("HOME") ?? "/tmp",
        };
        foreach (var name in package.Recipe.EnvAllowlist)
        {
            if (environment.GetValueOrDefault(name) is { } value)
            {
                env[name] = value;
            }
        }

        foreach (var (name, value) in package.Recipe.Env)
        {
            env[name] = value;
        }

        env["PREFIX"] = prefix;
        env["JOBS"] = options.JobsPerPackage.ToString(CultureInfo.InvariantCulture);
        var prefixes = new List<string>();
        foreach (var dependency in TransitiveDependencies(package.Name))
        {
            var path = await PrefixOfAsync(dependency, ct);
            prefixes.Add(path);
            env[EnvName(dependency) + "_PREFIX"] = path;
        }

        void Prepend(string name, string sub)
        {
            var parts = prefixes.Select(p => Path.Combine(p, sub)).ToList();
            if (env.TryGetValue(name, out var existing) && existing.Length > 0)
            {
                parts.Add(existing);
            }

            if (parts.Count > 0)
            {
                env[name] = string.Join(':', parts);
            }
        }

        Prepend("CPATH", "include");
        Prepend("LIBRARY_PATH", "lib");
        Prepend("LD_LIBRARY_PATH", "lib");
        Prepend("PKG_CONFIG_PATH", "lib/pkgconfig");
        return env;
    }

    /// <summary>"libfoo-2" → "LIBFOO_2".</summary>
    internal static string EnvName(string package) =>
        new([.. package.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);

    private IEnumerable<string> TransitiveDependencies(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(plan[name].Recipe.Depends);
        while (stack.TryPop(out var dependency))
        {
            if (seen.Add(dependency))
            {
                foreach (var next in plan[dependency].Recipe.Depends)
                {
                    stack.Push(next);
                }
            }
        }

        return seen.Order(StringComparer.Ordinal);
    }

    /// <summary>A dependency's install prefix, unpacked (and verified) from the store once per run.</summary>
    private Task<string> PrefixOfAsync(string dependency, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_prefixes.TryGetValue(dependency, out var task))
            {
                task = UnpackAsync(plan[dependency], ct);
                _prefixes[dependency] = task;
            }

            return task;
        }
    }

    private async Task<string> UnpackAsync(PackagePlan dependency, CancellationToken ct)
    {
        var manifest = await store.FindAsync(dependency.Name, dependency.Key.Key, ct)
            ?? throw new BuildStepException($"dependency {dependency.Name} {dependency.Key.Key} is not in the store");
        var target = Path.Combine(options.WorkDirectory, "prefixes", $"{dependency.Name}-{dependency.Key.Key}");
        if (!Directory.Exists(target))
        {
            var partial = target + ".partial-" + Guid.NewGuid().ToString("N");
            await store.UnpackAsync(manifest, partial, ct);
            try
            {
                Directory.Move(partial, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                TryDelete(partial);
            }
        }

        return target;
    }

    private static async Task PackAsync(string prefix, string artifact, CancellationToken ct)
    {
        await using var file = File.Create(artifact);
        await using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        await TarFile.CreateFromDirectoryAsync(prefix, gzip, includeBaseDirectory: false, ct);
    }

    private static async Task<IReadOnlyList<ManifestFile>> ListFilesAsync(string prefix, CancellationToken ct)
    {
        var files = new List<ManifestFile>();
        foreach (var path in Directory.EnumerateFileSystemEntries(prefix, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(prefix, path);
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                files.Add(new ManifestFile(relative, null, 0, target));
            }
            else if (File.Exists(path))
            {
                files.Add(new ManifestFile(relative, await FileHashing.Sha256Async(path, ct), info.Length));
            }
        }

        return files;
    }

    private async Task<string> TailAsync(string logPath, CancellationToken ct)
    {
        var lines = await File.ReadAllLinesAsync(logPath, ct);
        return string.Join('\n', lines.TakeLast(options.LogTailLines));
    }

    public void Dispose()
    {
        _slots.Dispose();
        _fetches.Dispose();
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Scratch only; the next run's folder has a new name.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
