using System.Globalization;

namespace Slipway.Deploy.Model;

/// <summary>
/// One run in the merged history, with the hosts whose <c>slipway-history.jsonl</c> has it and those that should but
/// do not (the run named them, and we could read them).
/// </summary>
public sealed record MergedHistoryEntry(HistoryEntry Entry, IReadOnlyList<string> RecordedOn, IReadOnlyList<string> MissingOn, bool RecordedHere)
{
    /// <summary>Some hosts have the entry and others that took part do not (a host replaced, a finish that failed there).</summary>
    public bool Partial => MissingOn.Count > 0 && RecordedOn.Count > 0;
}

/// <summary>
/// Merges the history files of several hosts and this machine's into one timeline: the same run recorded in several
/// places appears once. Pure.
/// </summary>
public static class HistoryMerge
{
    /// <param name="hosts">Each host that could be read (display name) with its entries.</param>
    /// <param name="local">This machine's record (<c>.slipway/history.jsonl</c>).</param>
    public static IReadOnlyList<MergedHistoryEntry> Merge(
        IReadOnlyList<(string Host, IReadOnlyList<HistoryEntry> Entries)> hosts, IReadOnlyList<HistoryEntry> local)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(local);
        var merged = new Dictionary<string, (HistoryEntry Entry, List<string> On, bool Here)>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(HistoryEntry entry, string? host)
        {
            var key = Key(entry);
            if (!merged.TryGetValue(key, out var item))
            {
                item = (entry, [], false);
                order.Add(key);
            }

            if (host is null)
            {
                item.Here = true;
            }
            else if (!item.On.Contains(host, StringComparer.Ordinal))
            {
                item.On.Add(host);
            }

            merged[key] = item;
        }

        foreach (var (host, entries) in hosts)
        {
            foreach (var entry in entries)
            {
                Add(entry, host);
            }
        }

        foreach (var entry in local)
        {
            Add(entry, null);
        }

        var read = hosts.Select(h => h.Host).ToHashSet(StringComparer.Ordinal);
        return [.. order
            .Select(key => merged[key])
            .Select(m => new MergedHistoryEntry(m.Entry, m.On,
                [.. m.Entry.Hosts.Where(h => read.Contains(h) && !m.On.Contains(h, StringComparer.Ordinal))], m.Here))
            .OrderBy(m => m.Entry.Started)];
    }

    /// <summary>
    /// What makes two lines the same run: who ran what, where from, and when (to the millisecond, as written).
    /// </summary>
    private static string Key(HistoryEntry e) => string.Join('\u001f',
        e.Action, e.Stage, e.User, e.Machine, e.Started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), e.Release ?? "");
}
