using System.ComponentModel;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Build;

public sealed class BuildSettings : ConfigFileSettings
{
    [CommandArgument(0, "[PACKAGES]")]
    [Description("Packages to build (with what they depend on); all when none is named.")]
    public string[] Packages { get; init; } = [];

    [CommandOption("-j|--jobs <N>")]
    [Description("Packages built at the same time (default: build.jobs, else 1).")]
    public int? Jobs { get; init; }

    [CommandOption("--explain")]
    [Description("Say for every package whether it is cached or will build, and why; build nothing.")]
    public bool Explain { get; init; }

    [CommandOption("--dry-run")]
    [Description("Show the plan (order, keys, decisions) without building.")]
    public bool DryRun { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON document: a result (or the plan) per package.")]
    public bool Json { get; init; }
}

public sealed class BuildDiffSettings : ConfigFileSettings
{
    [CommandArgument(0, "<KEY_A>")]
    [Description("A stored artifact's key (or a unique prefix of it).")]
    public string KeyA { get; init; } = "";

    [CommandArgument(1, "<KEY_B>")]
    [Description("Another stored artifact's key (or a unique prefix of it).")]
    public string KeyB { get; init; } = "";

    [CommandOption("--json")]
    [Description("Print the differing inputs as one JSON object.")]
    public bool Json { get; init; }
}

public sealed class BuildGcSettings : ConfigFileSettings
{
    [CommandOption("--keep <N>")]
    [Description("Artifacts kept per package, newest first (default 3).")]
    [DefaultValue(3)]
    public int Keep { get; init; } = 3;

    [CommandOption("--dry-run")]
    [Description("List what would be removed; remove nothing.")]
    public bool DryRun { get; init; }

    [CommandOption("--s3")]
    [Description("Prune the shared store (build.s3) instead of the local one.")]
    public bool S3 { get; init; }

    [CommandOption("--json")]
    [Description("Print the removed artifacts as one JSON object.")]
    public bool Json { get; init; }
}
