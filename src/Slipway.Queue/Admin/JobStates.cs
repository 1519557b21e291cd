namespace Slipway.Queue.Admin;

/// <summary>
/// The state words the CLI and the HTTP API print and take: <c>ready</c>, <c>running</c>, <c>succeeded</c>, <c>dead</c>,
/// and, for listing only, <c>retrying</c> (a ready job that failed or was lost at least once and waits for its next
/// attempt). Pure.
/// </summary>
public static class JobStates
{
    /// <summary>For messages: the words a state filter takes.</summary>
    public const string Words = "ready, running, succeeded or dead";

    /// <summary>For messages: the words a listing takes.</summary>
    public const string ListWords = "ready, retrying, running, succeeded or dead";

    public static string Name(JobState state) => state switch
    {
        JobState.Ready => "ready",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Dead => "dead",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>A state word, or null when it is none (<c>retrying</c> is not a state: see <see cref="Query"/>).</summary>
    public static JobState? Parse(string? word) => word?.ToLowerInvariant() switch
    {
        "ready" => JobState.Ready,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "dead" => JobState.Dead,
        _ => null,
    };

    /// <summary>
    /// The listing a word asks for (null word: every state), or null when the word is not one of
    /// <see cref="ListWords"/>.
    /// </summary>
    public static JobQuery? Query(string queue, string? word, int limit, long afterId)
    {
        var query = new JobQuery(queue) { Limit = limit, AfterId = afterId };
        if (word is null)
        {
            return query;
        }

        if (string.Equals(word, "retrying", StringComparison.OrdinalIgnoreCase))
        {
            return query with { State = JobState.Ready, OnlyRetrying = true };
        }

        return Parse(word) is { } state ? query with { State = state } : null;
    }
}
