using Slipway.Deploy.Scripts;

namespace Slipway.Deploy.Execution;

/// <summary>How one phase script ended on one host, with its output sorted by step and its data lines.</summary>
public sealed class ScriptRun
{
    private readonly List<(string Step, string Line)> _output = [];
    private readonly List<KeyValuePair<string, string>> _data = [];
    private readonly Lock _lock = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private string _step = "";

    public int ExitCode { get; internal set; }

    /// <summary>The script reached its last line.</summary>
    public bool Completed { get; private set; }

    /// <summary>The step that failed (from its <c>::slipway:failed</c> marker), or the last step seen.</summary>
    public string? FailedStep { get; private set; }

    /// <summary>The failing step's own exit code.</summary>
    public int? StepExitCode { get; private set; }

    public bool Succeeded => ExitCode == 0 && Completed;

    /// <summary>Data lines (<c>::slipway:KEY VALUE</c>) in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Data
    {
        get
        {
            lock (_lock)
            {
                return [.. _data];
            }
        }
    }

    public IEnumerable<string> Values(string key) => Data.Where(d => d.Key == key).Select(d => d.Value);

    /// <summary>Every line of the user's output (markers removed), in order.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_lock)
            {
                return [.. _output.Select(o => o.Line)];
            }
        }
    }

    /// <summary>The last <paramref name="count"/> lines of the failed (or last) step's output.</summary>
    public IReadOnlyList<string> Tail(int count = 20)
    {
        lock (_lock)
        {
            var step = FailedStep ?? _step;
            var lines = _output.Where(o => o.Step == step).Select(o => o.Line).ToList();
            return lines.Count == 0 ? [.. _output.TakeLast(count).Select(o => o.Line)] : [.. lines.TakeLast(count)];
        }
    }

    /// <summary>Takes one output line; returns the line when it is the user's output (not a marker), else null.</summary>
    internal string? Accept(string line)
    {
        lock (_lock)
        {
            if (!line.StartsWith(Script.Marker, StringComparison.Ordinal))
            {
                _output.Add((_step, line));
                return line;
            }

            var body = line[Script.Marker.Length..];
            var space = body.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? body : body[..space];
            var value = space < 0 ? "" : body[(space + 1)..];
            switch (key)
            {
                case "step":
                    _step = value;
                    _seen.Add(value);
                    break;
                case "failed":
                    var parts = value.Split(' ');
                    FailedStep = parts[0];
                    StepExitCode = parts.Length > 1 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
                    break;
                case "done":
                    Completed = true;
                    break;
                default:
                    _data.Add(new(key, value));
                    break;
            }

            return null;
        }
    }

    /// <summary>The host announced a step after <paramref name="step"/>: <paramref name="step"/> ran to its end.</summary>
    internal bool Passed(string step)
    {
        lock (_lock)
        {
            return _step.Length > 0 && _step != step && _seen.Contains(step);
        }
    }

    internal string CurrentStep
    {
        get
        {
            lock (_lock)
            {
                return _step;
            }
        }
    }
}
