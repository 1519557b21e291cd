using Slipway.Queue.Internal;

namespace Slipway.Queue;

/// <summary>The rule for queue names, for callers that check names before any engine call (the CLI, config check).</summary>
public static class QueueName
{
    /// <summary>What a queue name may be, for messages.</summary>
    public static string Rule { get; } = $"1 to {QueueNames.MaxLength} characters of A-Z a-z 0-9 . _ - :";

    public static bool IsValid(string? name) => QueueNames.IsValid(name);
}
