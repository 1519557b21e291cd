namespace Slipway.Core.Logging;

/// <summary>
/// An event for the central logs (<c>slipway logs serve</c>): the fields of its intake (docs/logs.md, "POST /api/logs").
/// <see cref="Severity"/> is a syslog name (err, warning, info…); <see cref="MsgId"/> says what kind of event it is.
/// </summary>
public sealed record CentralLogEvent(DateTimeOffset Time, string Program, string Severity, string MsgId, string Message)
{
    /// <summary>The host the event is about; the sender's machine name when null.</summary>
    public string? Host { get; init; }
}

/// <summary>
/// Where a feature sends events meant for the central logs, without knowing how they travel (the CLI wires an HTTP
/// sender to the logs server). <see cref="Write"/> must return at once and never throw: the caller's own work (a job's
/// result) must not wait on, or fail because of, the logs server.
/// </summary>
public interface ICentralLog
{
    void Write(CentralLogEvent logEvent);
}
