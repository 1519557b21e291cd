namespace Slipway.Remote;

/// <summary>Per-command settings for <see cref="IRemoteSession.RunAsync"/>.</summary>
public sealed record RunOptions
{
    /// <summary>Called for every line of stdout and stderr as it arrives (from a background thread).</summary>
    public Action<OutputLine>? Output { get; init; }

    /// <summary>Overrides the session's default command time-out; null keeps it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Working directory on the host; null is the login directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables for this command.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}

public enum OutputKind
{
    Stdout,
    Stderr,
}

public readonly record struct OutputLine(OutputKind Kind, string Text);
