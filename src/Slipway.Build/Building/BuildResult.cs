namespace Slipway.Build.Building;

public enum PackageStatus
{
    /// <summary>The store already had its key.</summary>
    Cached,

    /// <summary>Built now and stored under its key.</summary>
    Built,

    /// <summary>Its build failed; nothing was stored under its key.</summary>
    Failed,

    /// <summary>Not attempted because a dependency failed.</summary>
    Skipped,
}

/// <summary>
/// What happened to one package. <see cref="Error"/> and <see cref="LogTail"/> are set when it failed; <see cref="Where"/>
/// names the store a cached package came from ("local" or "s3").
/// </summary>
public sealed record PackageOutcome(string Name, string Key, PackageStatus Status, string Reason, TimeSpan Duration,
    string? LogPath = null, string? Error = null, string? LogTail = null, string? Where = null);

/// <summary>The outcomes of a run, in topological order, and the shared store's counts when there is one.</summary>
public sealed record BuildResult(IReadOnlyList<PackageOutcome> Packages, Store.RemoteCache? Remote = null)
{
    public bool Succeeded => Packages.All(p => p.Status is PackageStatus.Cached or PackageStatus.Built);

    public PackageOutcome this[string name] => Packages.Single(p => p.Name == name);

    /// <summary>
    /// The closing line: "3 packages: 1 cached, 2 built, 0 failed" with only a local store; with a shared one, where the
    /// cached ones came from and its counts: "12 packages: 9 cached (7 local, 2 s3), 3 built, 0 failed; s3: 2 hits, 3
    /// misses, 0 errors, 3 pushed".
    /// </summary>
    public string Summary()
    {
        int Count(PackageStatus status) => Packages.Count(p => p.Status == status);
        var skipped = Count(PackageStatus.Skipped) > 0 ? $", {Count(PackageStatus.Skipped)} skipped" : "";
        var cached = Count(PackageStatus.Cached);
        var where = Remote is null ? "" : $" ({Packages.Count(p => p.Status == PackageStatus.Cached && p.Where != Remote.Kind)} local, " +
            $"{Packages.Count(p => p.Status == PackageStatus.Cached && p.Where == Remote.Kind)} {Remote.Kind})";
        var counts = Remote is null ? "" : "; " + Remote.Counts();
        return $"{Packages.Count} packages: {cached} cached{where}, {Count(PackageStatus.Built)} built, " +
               $"{Count(PackageStatus.Failed)} failed{skipped}{counts}";
    }
}

/// <summary>
/// A package's progress during <c>PackageBuilder.BuildAsync</c>: started building (<see cref="Outcome"/> null),
/// or done. Reported from the packages' tasks, so a receiver may be called from several threads at once.
/// </summary>
public sealed record BuildProgress(string Package, PackageOutcome? Outcome);
