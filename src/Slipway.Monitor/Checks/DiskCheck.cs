namespace Slipway.Monitor.Checks;

/// <summary>
/// The used space of the file system holding a path, as df counts it: used / (used + available to non-root), so the
/// blocks reserved for root count neither way. A path that is not there, or a file system that does not answer in time, is CRITICAL (check_disk says the
/// same).
/// </summary>
public sealed class DiskCheck(DiskCheckOptions options, TimeProvider? timeProvider = null) : ICheck
{
    private readonly DiskCheckOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly Thresholds _thresholds = Thresholds.Parse(options.Warning, options.Critical);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>statvfs on a hung network mount blocks in the kernel: measure on the pool and give up at the time-out.</summary>
    public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) =>
        BuiltInCheck.RunAsync("DISK", timeout, _time, token => Task.Run(Measure, token).WaitAsync(token), ct);

    private CheckResult Measure()
    {
        long total, free, available;
        try
        {
            if (!Directory.Exists(_options.Path) && !File.Exists(_options.Path))
            {
                throw new DirectoryNotFoundException("No such file or directory");
            }

            var drive = new DriveInfo(_options.Path);
            (total, free, available) = (drive.TotalSize, drive.TotalFreeSpace, drive.AvailableFreeSpace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CheckResult
            {
                State = ServiceState.Critical,
                Output = BuiltInCheck.Line("DISK", ServiceState.Critical, $"{_options.Path} is not accessible: {e.Message}"),
            };
        }

        var used = total - free;
        var usable = used + available;
        var percent = usable <= 0 ? 0 : used * 100.0 / usable;
        var state = _thresholds.Evaluate(percent);
        var text = $"{_options.Path} {percent:0.#}% used ({Size(used)} of {Size(usable)}, {Size(available)} free)";
        return new CheckResult
        {
            State = state,
            Output = BuiltInCheck.Line("DISK", state, text),
            PerfData =
            [
                new PerfDatum("used_pct", Math.Round(percent, 2), "%", _options.Warning, _options.Critical, 0, 100),
                new PerfDatum("used", used, "B", Min: 0, Max: usable),
            ],
        };
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 40 => FormattableString.Invariant($"{bytes / (double)(1L << 40):0.0} TiB"),
        >= 1L << 30 => FormattableString.Invariant($"{bytes / (double)(1L << 30):0.0} GiB"),
        _ => FormattableString.Invariant($"{bytes / (double)(1L << 20):0.0} MiB"),
    };
}
