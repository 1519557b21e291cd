namespace Slipway.Core.Config;

/// <summary>
/// <c>phase_timeouts:</c>, how long one host may take over one phase of a deploy or rollback before it counts as failed
/// (a hung connection, a hook that never returns). The clock starts when the phase starts for that host; the script is
/// then stopped on the host, or, when the host does not answer at all, its connection is dropped and the host is
/// reported as lost. The defaults leave room for slow builds and migrations while still ending a hang.
/// </summary>
public sealed record PhaseTimeouts
{
    public static readonly TimeSpan DefaultCheck = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultUpdate = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultPublish = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DefaultFinish = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultUndo = TimeSpan.FromMinutes(10);

    /// <summary>Connect, take the lock, verify requirements, list releases (also <c>releases</c>, <c>history</c>).</summary>
    public TimeSpan Check { get; init; } = DefaultCheck;

    /// <summary>Fill the release directory: fetch or upload, link, vendor, before_update/after_update hooks.</summary>
    public TimeSpan Update { get; init; } = DefaultUpdate;

    /// <summary>before_publish hooks, the switch, after_publish hooks (a rollback's before_rollback/after_rollback too).</summary>
    public TimeSpan Publish { get; init; } = DefaultPublish;

    /// <summary>Mark the release, history, cleanup of old releases, unlock.</summary>
    public TimeSpan Finish { get; init; } = DefaultFinish;

    /// <summary>Removing a failed update or switching back after a failed publish (hooks rerun), and giving back the lock.</summary>
    public TimeSpan Undo { get; init; } = DefaultUndo;

    /// <summary>
    /// The key of <c>phase_timeouts</c> that limits <paramref name="phase"/> (the names of the phases in messages), or null
    /// for a phase with no limit of its own.
    /// </summary>
    public static string? KeyOf(string phase) => phase switch
    {
        "check" or "list" or "history" => "check",
        "update" or "vendor" => "update",
        "publish" => "publish",
        "finish" or "cleanup" => "finish",
        "undo" or "revert" or "unlock" => "undo",
        _ => null,
    };

    /// <summary>The limit of one host's part in <paramref name="phase"/>; null when the phase has none.</summary>
    public TimeSpan? For(string phase) => KeyOf(phase) switch
    {
        "check" => Check,
        "update" => Update,
        "publish" => Publish,
        "finish" => Finish,
        "undo" => Undo,
        _ => null,
    };
}
