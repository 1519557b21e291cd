namespace Slipway.Core.Config;

/// <summary>
/// Something every host (with the given roles) must have before a deploy changes anything:
/// a command on PATH, a Debian package, an importable Python module, a file, a directory, a writable
/// directory, or free disk space.
/// </summary>
public sealed record RequirementConfig
{
    public required RequirementKind Kind { get; init; }

    /// <summary>The command, package, module or path; for <see cref="RequirementKind.FreeDisk"/> the path checked.</summary>
    public required string Target { get; init; }

    /// <summary>For <see cref="RequirementKind.FreeDisk"/>: bytes that must be free.</summary>
    public long? MinimumBytes { get; init; }

    public IReadOnlyList<string> Roles { get; init; } = [];

    public SourceLocation Location { get; init; }
}

public enum RequirementKind
{
    Command,
    DebianPackage,
    PythonModule,
    File,
    Directory,
    Writable,
    FreeDisk,
}
