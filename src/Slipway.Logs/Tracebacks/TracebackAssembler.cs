using Slipway.Logs.Model;

namespace Slipway.Logs.Tracebacks;

/// <summary>
/// Joins the lines of a Python traceback that arrive as separate messages from one source (host + program + pid)
/// into one event, and fingerprints every traceback (also those that arrive whole, or "#012"-escaped by rsyslog).
/// Not thread-safe: the intake writer calls it from its single loop. A traceback whose end never comes is flushed
/// after <see cref="FlushAfter"/> by <see cref="FlushExpired"/>, measured on the injected clock.
/// </summary>
public sealed class TracebackAssembler(TimeProvider clock, TimeSpan? flushAfter = null, int maxLines = 500)
{
    private readonly Dictionary<(string Host, string Program, string ProcId), Pending> _pending = [];

    public TimeSpan FlushAfter { get; } = flushAfter ?? TimeSpan.FromSeconds(2);

    public int PendingCount => _pending.Count;

    /// <summary>Takes one event; appends to <paramref name="output"/> what is ready (zero, one or two events).</summary>
    public void Add(LogEvent e, List<LogEvent> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(output);
        var message = Unescape(e.Message);
        if (!ReferenceEquals(message, e.Message))
        {
            e = e with { Message = message };
        }

        var key = (e.Host, e.Program, e.ProcId);
        if (_pending.Count > 0 && _pending.TryGetValue(key, out var pending))
        {
            if (pending.Accepts(message))
            {
                pending.Append(e, clock.GetUtcNow());
                if (pending.Lines >= maxLines)
                {
                    _pending.Remove(key);
                    output.Add(pending.ToEvent());
                }

                return;
            }

            _pending.Remove(key);
            output.Add(pending.ToEvent());
        }

        var hasMarker = message.Contains(TracebackFingerprint.StartMarker, StringComparison.Ordinal);
        if (hasMarker && !message.Contains('\n', StringComparison.Ordinal))
        {
            // The first line of a traceback split into lines: wait for the rest.
            _pending[key] = new Pending(e, clock.GetUtcNow());
            return;
        }

        output.Add(hasMarker ? WithFingerprint(e) : e);
    }

    /// <summary>Emits tracebacks whose last line came longer than <see cref="FlushAfter"/> ago.</summary>
    public void FlushExpired(List<LogEvent> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_pending.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var (key, pending) in _pending.ToList())
        {
            if (now - pending.LastSeen >= FlushAfter)
            {
                _pending.Remove(key);
                output.Add(pending.ToEvent());
            }
        }
    }

    /// <summary>Emits what is pending from these sources (a producer about to be told its events are stored).</summary>
    public void Flush(IEnumerable<(string Host, string Program, string ProcId)> sources, List<LogEvent> output)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(output);
        if (_pending.Count == 0)
        {
            return;
        }

        foreach (var key in sources)
        {
            if (_pending.Remove(key, out var pending))
            {
                output.Add(pending.ToEvent());
            }
        }
    }

    /// <summary>Emits everything pending (at shutdown).</summary>
    public void FlushAll(List<LogEvent> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var pending in _pending.Values)
        {
            output.Add(pending.ToEvent());
        }

        _pending.Clear();
    }

    internal static LogEvent WithFingerprint(LogEvent e)
    {
        var info = TracebackFingerprint.Compute(e.Message);
        return info is null ? e : e with { Fingerprint = info.Fingerprint, Title = info.Title };
    }

    /// <summary>rsyslog escapes control characters on receive: "#012" is LF, "#011" a tab.</summary>
    private static string Unescape(string message) =>
        message.Contains("#012", StringComparison.Ordinal) && message.Contains("Traceback", StringComparison.Ordinal)
            ? message.Replace("#012", "\n", StringComparison.Ordinal).Replace("#011", "\t", StringComparison.Ordinal)
            : message;

    private sealed class Pending(LogEvent first, DateTimeOffset now)
    {
        private readonly List<string> _lines = [first.Message];
        private bool _sawExceptionLine;
        private bool _sawChainSentence;
        private int _severity = first.Severity;

        public DateTimeOffset LastSeen { get; private set; } = now;

        public int Lines => _lines.Count;

        /// <summary>Does this line continue the traceback? Frames and source lines are indented; the exception line
        /// ends a part. After it only blank lines and Python's chaining sentences continue, and a new "Traceback" line
        /// continues only after such a sentence: otherwise it is the next traceback (two errors logged back to back),
        /// which must count as a second event.</summary>
        public bool Accepts(string line)
        {
            if (line.StartsWith(TracebackFingerprint.StartMarker, StringComparison.Ordinal))
            {
                if (_sawExceptionLine && !_sawChainSentence)
                {
                    return false;
                }

                _sawExceptionLine = false;
                _sawChainSentence = false;
                return true;
            }

            if (line.StartsWith("During handling of the above exception", StringComparison.Ordinal)
                || line.StartsWith("The above exception was the direct cause", StringComparison.Ordinal))
            {
                _sawChainSentence = _sawExceptionLine;
                return _sawExceptionLine;
            }

            if (line.Length == 0)
            {
                return true;
            }

            if (_sawExceptionLine)
            {
                return false;
            }

            if (char.IsWhiteSpace(line[0]))
            {
                return true;
            }

            // Not indented: the exception line ("ValueError: bad"), which closes this part.
            _sawExceptionLine = true;
            return true;
        }

        public void Append(LogEvent e, DateTimeOffset now)
        {
            _lines.Add(e.Message);
            _severity = Math.Min(_severity, e.Severity);
            LastSeen = now;
        }

        public LogEvent ToEvent()
        {
            while (_lines.Count > 1 && _lines[^1].Length == 0)
            {
                _lines.RemoveAt(_lines.Count - 1);
            }

            var joined = first with
            {
                Message = string.Join('\n', _lines),
                Severity = _severity,
                Flags = first.Flags | (_lines.Count > 1 ? EventMarks.Reassembled : EventMarks.None),
            };
            return WithFingerprint(joined);
        }
    }
}
