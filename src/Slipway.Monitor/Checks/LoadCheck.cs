using System.Globalization;

namespace Slipway.Monitor.Checks;

/// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, judged like check_load (optionally per CPU).</summary>
public sealed class LoadCheck : ICheck
{
    private static readonly string[] Labels = ["load1", "load5", "load15"];
    private readonly LoadCheckOptions _options;
    private readonly string _source;
    private readonly int _cpus;
    private readonly string?[] _warning;
    private readonly string?[] _critical;
    private readonly Thresholds[] _thresholds;

    public LoadCheck(LoadCheckOptions options) : this(options, "/proc/loadavg", Environment.ProcessorCount)
    {
    }

    internal LoadCheck(LoadCheckOptions options, string source, int cpus)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _source = source;
        _cpus = Math.Max(1, cpus);
        _warning = Triple(options.Warning);
        _critical = Triple(options.Critical);
        _thresholds = [.. Enumerable.Range(0, 3).Select(i => Thresholds.Parse(_warning[i], _critical[i]))];
    }

    public async Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(_source, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CheckResult.Unknown(BuiltInCheck.Line("LOAD", ServiceState.Unknown, $"cannot read {_source}: {e.Message}"));
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var loads = new double[3];
        for (var i = 0; i < 3; i++)
        {
            if (fields.Length <= i || !double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out loads[i]))
            {
                return CheckResult.Unknown(BuiltInCheck.Line("LOAD", ServiceState.Unknown, $"cannot read the load from '{text.Trim()}'"));
            }
        }

        var judged = _options.PerCpu ? loads.Select(load => load / _cpus).ToArray() : loads;
        var state = ServiceState.Ok;
        for (var i = 0; i < 3; i++)
        {
            state = ServiceStates.Worst(state, _thresholds[i].Evaluate(judged[i]));
        }

        var what = _options.PerCpu ? $"load average per CPU ({_cpus})" : "load average";
        return new CheckResult
        {
            State = state,
            Output = BuiltInCheck.Line("LOAD", state, string.Create(CultureInfo.InvariantCulture,
                $"{what}: {judged[0]:0.00}, {judged[1]:0.00}, {judged[2]:0.00}")),
            PerfData = [.. Enumerable.Range(0, 3).Select(i => new PerfDatum(Labels[i], Math.Round(judged[i], 3), "", _warning[i], _critical[i], 0))],
        };
    }

    /// <summary>"5" means 5 for all three averages; "5,4,3" one each (check_load's -w/-c).</summary>
    internal static string?[] Triple(string? ranges)
    {
        if (string.IsNullOrWhiteSpace(ranges))
        {
            return [null, null, null];
        }

        var parts = ranges.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length switch
        {
            1 => [parts[0], parts[0], parts[0]],
            3 => parts,
            _ => throw new FormatException($"load thresholds '{ranges}': give one range or three separated by commas (1, 5, 15 minutes)"),
        };
    }
}
