using Slipway.Logs.Model;

namespace Slipway.Logs.Tracebacks;

/// <summary>
/// Joins the lines of a Python traceback that arrive as separate messages from one source (host + program + pid)
/// into one event, and fingerprints every traceback (also those that arrive whole, or "#012"-escaped by rsyslog).
/// Not thread-safe: the intake writer calls it from its single loop. A traceback whose end never comes is flushed
/// after <see cref="FlushAfter"/> by <see cref="FlushExpired"/>, measured on the injected clock.
/// <para>
/// Lines that carry precise (sub-second) sender times may arrive out of order (UDP): a line reported inside a pending
/// traceback's span joins it wherever it arrives, and the joined text is put in reported order. A frame or exception line
/// that arrives before its "Traceback" line is held (at most <see cref="FlushAfter"/>) for that line to adopt it.
/// </para>
/// </summary>
public sealed class TracebackAssembler(TimeProvider clock, TimeSpan? flushAfter = null, int maxLines = 500)
{
    private readonly Dictionary<(string Host, string Program, string ProcId), Pending> _pending = [];
    private readonly Dictionary<(string Host, string Program, string ProcId), List<(LogEvent Event, DateTimeOffset Since)>> _held = [];

    public TimeSpan FlushAfter { get; } = flushAfter ?? TimeSpan.FromSeconds(2);

    public int PendingCount => _pending.Count + _held.Count;

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
            if (pending.Accepts(e))
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
            var started = new Pending(e, clock.GetUtcNow());
            AdoptHeld(key, started, output);
            _pending[key] = started;
            return;
        }

        if (!hasMarker && MayPrecedeItsTracebackLine(e))
        {
            if (!_held.TryGetValue(key, out var held))
            {
                _held[key] = held = [];
            }

            held.Add((e, clock.GetUtcNow()));
            return;
        }

        output.Add(hasMarker ? WithFingerprint(e) : e);
    }

    /// <summary>
    /// An indented line or a Python exception line with a precise sender time: over UDP it may be a traceback's line that
    /// overtook the traceback's first line. (Without a precise time, order cannot be repaired: it passes at once.)
    /// </summary>
    private static bool MayPrecedeItsTracebackLine(LogEvent e) =>
        e.ReportedAt is { } at && at.Ticks % TimeSpan.TicksPerSecond != 0 && e.Message.Length > 0
        && (char.IsWhiteSpace(e.Message[0]) || Pending.LooksLikeExceptionLine(e.Message));

    /// <summary>Held lines of the source reported at or after the new traceback's first line join it; earlier ones are its predecessors.</summary>
    private void AdoptHeld((string Host, string Program, string ProcId) key, Pending started, List<LogEvent> output)
    {
        if (_held.Count == 0 || !_held.Remove(key, out var held))
        {
            return;
        }

        foreach (var (line, _) in held)
        {
            if (!started.TryAdoptEarlier(line))
            {
                output.Add(line);
            }
        }
    }

    private void EmitHeld(Func<DateTimeOffset, bool> expired, List<LogEvent> output)
    {
        foreach (var (key, held) in _held.ToList())
        {
            var keep = held.Where(h => !expired(h.Since)).ToList();
            output.AddRange(held.Where(h => expired(h.Since)).Select(h => h.Event));
            if (keep.Count == 0)
            {
                _held.Remove(key);
            }
            else
            {
                _held[key] = keep;
            }
        }
    }

    /// <summary>Emits tracebacks whose last line came longer than <see cref="FlushAfter"/> ago.</summary>
    public void FlushExpired(List<LogEvent> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var now = clock.GetUtcNow();
        if (_held.Count > 0)
        {
            EmitHeld(since => now - since >= FlushAfter, output);
        }

        if (_pending.Count == 0)
        {
            return;
        }

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
        if (_pending.Count == 0 && _held.Count == 0)
        {
            return;
        }

        foreach (var key in sources)
        {
            if (_held.Remove(key, out var held))
            {
                output.AddRange(held.Select(h => h.Event));
            }

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
        foreach (var held in _held.Values)
        {
            output.AddRange(held.Select(h => h.Event));
        }

        foreach (var pending in _pending.Values)
        {
            output.Add(pending.ToEvent());
        }

        _held.Clear();
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
        private readonly List<LogEvent> _lines = [first];
        private bool _sawExceptionLine;
        private bool _sawChainSentence;
        private bool _outOfOrder;
        private DateTimeOffset? _lastReported = first.ReportedAt;

        public DateTimeOffset LastSeen { get; private set; } = now;

        public int Lines => _lines.Count;

        /// <summary>"ValueError: bad", "shop.errors.CheckoutFailed": a dotted name of an exception class, then ": " or the end.</summary>
        public static bool LooksLikeExceptionLine(string line)
        {
            // Spans, no allocation: with microsecond sender times every non-indented line is asked this.
            var end = line.IndexOf(':', StringComparison.Ordinal);
            var name = end < 0 ? line.AsSpan() : line.AsSpan(0, end);
            if (name.IsEmpty || !(char.IsLetter(name[0]) || name[0] == '_'))
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!(char.IsLetterOrDigit(c) || c is '_' or '.'))
                {
                    return false;
                }
            }

            var last = name[(name.LastIndexOf('.') + 1)..];
            return last.EndsWith("Error", StringComparison.Ordinal) || last.EndsWith("Exception", StringComparison.Ordinal)
                || last.EndsWith("Exit", StringComparison.Ordinal) || last.EndsWith("Interrupt", StringComparison.Ordinal)
                || last.EndsWith("Failed", StringComparison.Ordinal) || last.EndsWith("Warning", StringComparison.Ordinal);
        }

        /// <summary>Does this line continue the traceback? Frames and source lines are indented; the exception line
        /// ends a part. After it only blank lines and Python's chaining sentences continue, and a new "Traceback" line
        /// continues only after such a sentence: otherwise it is the next traceback (two errors logged back to back),
        /// which must count as a second event. A line reported (precisely) inside the span already seen arrived late
        /// and belongs here wherever it came.</summary>
        public bool Accepts(LogEvent e)
        {
            if (IsReportedInside(e))
            {
                return true;
            }

            var line = e.Message;
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

        /// <summary>A held line reported at or after the first line joins (it overtook the first line on the way).</summary>
        public bool TryAdoptEarlier(LogEvent e)
        {
            if (e.ReportedAt is not { } at || first.ReportedAt is not { } start || at < start)
            {
                return false;
            }

            _outOfOrder = true;
            Append(e, LastSeen);
            if (!char.IsWhiteSpace(e.Message[0]))
            {
                _sawExceptionLine = true;
            }

            return true;
        }

        private bool IsReportedInside(LogEvent e)
        {
            if (e.ReportedAt is not { } at || first.ReportedAt is not { } start || _lastReported is not { } last
                || at.Ticks % TimeSpan.TicksPerSecond == 0 || at < start || at >= last)
            {
                return false;
            }

            _outOfOrder = true;
            return true;
        }

        public void Append(LogEvent e, DateTimeOffset now)
        {
            _lines.Add(e);
            if (e.ReportedAt is { } at && (_lastReported is null || at > _lastReported))
            {
                _lastReported = at;
            }

            LastSeen = now;
        }

        public LogEvent ToEvent()
        {
            // Reported order when lines came out of order (OrderBy is stable: equal times keep their arrival order).
            var lines = _outOfOrder && _lines.All(l => l.ReportedAt is not null)
                ? _lines.OrderBy(l => l.ReportedAt!.Value).Select(l => l.Message).ToList()
                : _lines.Select(l => l.Message).ToList();
            while (lines.Count > 1 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            var joined = first with
            {
                Message = string.Join('\n', lines),
                Severity = _lines.Min(l => l.Severity),
                Flags = first.Flags | (lines.Count > 1 ? EventMarks.Reassembled : EventMarks.None),
            };
            return WithFingerprint(joined);
        }
    }
}
