using System.Net.Sockets;

namespace Slipway.Monitor.Checks;

/// <summary>Connects to a TCP port, as check_tcp: refused or no answer is CRITICAL, the connect time is judged by the ranges.</summary>
public sealed class TcpCheck(TcpCheckOptions options, TimeProvider? timeProvider = null) : ICheck
{
    private readonly TcpCheckOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly Thresholds _thresholds = Thresholds.Parse(options.Warning, options.Critical);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
        BuiltInCheck.RunAsync("TCP", timeout, _time, async token =>
        {
            var started = _time.GetTimestamp();
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(_options.Host, _options.Port, token);
            }
            catch (SocketException e)
            {
                return new CheckResult
                {
                    State = ServiceState.Critical,
                    Output = BuiltInCheck.Line("TCP", ServiceState.Critical,
                        $"connect to address {_options.Host} and port {_options.Port}: {e.Message}"),
                };
            }

            var seconds = _time.GetElapsedTime(started).TotalSeconds;
            var state = _thresholds.Evaluate(seconds);
            return new CheckResult
            {
                State = state,
                Output = BuiltInCheck.Line("TCP", state,
                    $"{BuiltInCheck.Seconds(seconds)} second response time on {_options.Host} port {_options.Port}"),
                PerfData = [new PerfDatum("time", seconds, "s", _options.Warning, _options.Critical, 0, timeout.TotalSeconds)],
            };
        }, ct);
}
