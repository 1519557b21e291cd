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

/// <summary>What happened to one package. <see cref="Error"/> and <see cref="LogTail"/> are set when it failed.</summary>
public sealed record PackageOutcome(string Name, string Key, PackageStatus Status, string Reason, TimeSpan Duration,
    string? LogPath = null, string? Error = null, string? LogTail = null);

/// <summary>The outcomes of a run, in topological order.</summary>
public sealed record BuildResult(IReadOnlyList<PackageOutcome> Packages)
{
    public bool Succeeded => Packages.All(p => p.Status is PackageStatus.Cached or PackageStatus.Built);

    public PackageOutcome this[string name] => Packages.Single(p => p.Name == name);

    /// <summary>The closing line, e.g. "3 packages: 1 cached, 2 built, 0 failed".</summary>
    public string Summary()
    {
        int Count(PackageStatus status) => Packages.Count(p => p.Status == status);
        var skipped = Count(PackageStatus.Skipped) > 0 ? $", {Count(PackageStatus.Skipped)} skipped" : "";
        return $"{Packages.Count} packages: {Count(PackageStatus.Cached)} cached, {Count(PackageStatus.Built)} built, " +
               $"{Count(PackageStatus.Failed)} failed{skipped}";
    }
}

/// <summary>
/// A package's progress during <c>PackageBuilder.BuildAsync</c>: started building (<see cref="Outcome"/> null),
/// or done. Reported from the packages' tasks, so a receiver may be called from several threads at once.
/// </summary>
public sealed record BuildProgress(string Package, PackageOutcome? Outcome);
