namespace Slipway.Monitor.Checks;

/// <summary>
/// "The live release is the one deploy history says": the release a host's <c>current</c> points to against the stage's
/// newest successful deploy or rollback. Another release live is CRITICAL (someone switched it by hand, or a deploy
/// half-failed on this host); a host that cannot be read, or a history without a deploy, is UNKNOWN.
/// </summary>
public sealed class ReleaseCheck(ReleaseCheckOptions options, ILiveReleases? source, TimeProvider? timeProvider = null) : ICheck
{
    private const string Name = "RELEASE";
    private readonly ReleaseCheckOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
        BuiltInCheck.RunAsync(Name, timeout, _time, async token =>
        {
            if (source is null)
            {
                return CheckResult.Unknown($"{Name} UNKNOWN - (hosts and deploy history are not available here)");
            }

            try
            {
                return Judge(_options, await source.ReadAsync(_options.Stage, _options.Host, token));
            }
            catch (CheckSourceException e)
            {
                return CheckResult.Unknown(BuiltInCheck.Line(Name, ServiceState.Unknown, e.Message));
            }
        }, ct);

    /// <summary>The result for what the host and the history say. Pure.</summary>
    internal static CheckResult Judge(ReleaseCheckOptions options, LiveRelease live)
    {
        var (state, text) = (live.Current, live.Expected) switch
        {
            (_, null) => (ServiceState.Unknown, $"the deploy history has no successful deploy of {options.Stage} (current: {live.Current ?? "none"})"),
            (null, var expected) => (ServiceState.Critical, $"{options.Host} has no current release; the history says {expected} is live on {options.Stage}"),
            var (current, expected) when current == expected => (ServiceState.Ok, $"{options.Host} has release {current} live, as the history of {options.Stage} says"),
            var (current, expected) => (ServiceState.Critical, $"{options.Host} has release {current} live, but the history of {options.Stage} says {expected}"),
        };
        return new CheckResult { State = state, Output = BuiltInCheck.Line(Name, state, text) };
    }
}
