namespace Slipway.Build.Building;

/// <summary>Where and how builds run: the typed options a config binder or the command line fills.</summary>
public sealed record BuildOptions
{
    /// <summary>The local artifact store's folder.</summary>
    public required string StoreDirectory { get; init; }

    /// <summary>Scratch space: source checkouts, staging prefixes, unpacked dependencies, git mirrors. Safe to delete.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>Where relative patch and local source paths are resolved (the folder of slipway.yml).</summary>
    public required string RecipeDirectory { get; init; }

    /// <summary>Per-package build logs (&lt;package&gt;.log); defaults to &lt;WorkDirectory&gt;/logs.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>Packages built at the same time (<c>-j N</c>).</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>The value of JOBS in the steps' environment (for <c>make -j$JOBS</c>).</summary>
    public int JobsPerPackage { get; init; } = Environment.ProcessorCount;

    /// <summary>How many lines of a failed package's log its failure carries.</summary>
    public int LogTailLines { get; init; } = 30;

    /// <summary>A shared store asked after the local one (S3); what is built here is pushed to it unless read-only.</summary>
    public Store.RemoteCache? Remote { get; init; }

    /// <summary>Signs the manifest of everything built here (<c>build.signing.key</c>).</summary>
    public Store.Signing.ManifestSigner? Signer { get; init; }
}
