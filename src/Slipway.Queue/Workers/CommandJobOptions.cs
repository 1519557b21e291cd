namespace Slipway.Queue.Workers;

/// <summary>How <see cref="CommandJobHandler"/> runs a job's process.</summary>
public sealed record CommandJobOptions
{
    /// <summary>A job running longer is killed (with its process tree) and fails; none when null.</summary>
    public TimeSpan? Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public string? WorkingDirectory { get; init; }

    /// <summary>Added to the worker's own environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Output kept: the last this many characters of stdout and stderr together.</summary>
    public int OutputLimit { get; init; } = 64 * 1024;
}
