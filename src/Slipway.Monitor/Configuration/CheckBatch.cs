using Slipway.Core;
using Slipway.Monitor.Checks;

namespace Slipway.Monitor.Configuration;

/// <summary>One check run now, outside the scheduler: what <c>slipway monitor run</c> shows.</summary>
public sealed record CheckOutcome(ConfiguredCheck Check, CheckResult Result);

/// <summary>Picks configured checks by name and host, and runs them once, here, at most N at a time.</summary>
public sealed class CheckBatch(CheckFactory factory)
{
    /// <summary>
    /// The checks <paramref name="selector"/> names (<c>NAME</c> or <c>NAME@HOST</c>) on the hosts
    /// <paramref name="hostPatterns"/> name (all when empty), or why there are none.
    /// </summary>
    public static (IReadOnlyList<ConfiguredCheck> Checks, string? Error) Select(
        IReadOnlyList<ConfiguredCheck> all, string? selector, IReadOnlyCollection<string> hostPatterns)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(hostPatterns);
        var picked = all.AsEnumerable();
        if (selector is not null)
        {
            var byId = all.Where(c => string.Equals(c.Id, selector, StringComparison.OrdinalIgnoreCase)).ToList();
            if (byId.Count > 0)
            {
                picked = byId;
            }
            else if (all.Any(c => c.Name == selector))
            {
                picked = all.Where(c => c.Name == selector);
            }
            else
            {
                var names = all.Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
                var closest = Suggestions.Closest(selector, [.. names, .. all.Select(c => c.Id)]);
                var hint = closest is null ? "" : $"did you mean '{closest}'? ";
                return ([], names.Count == 0
                    ? "no checks are configured (add them under monitor.checks in slipway.yml)"
                    : $"no check '{selector}'; {hint}checks: {string.Join(", ", names)}");
            }
        }

        var unknown = hostPatterns.Where(p => !picked.Any(c => Core.Config.HostFilter.Matches(c.Host, p))).ToList();
        if (unknown.Count > 0)
        {
            var hosts = picked.Select(c => c.Host.DisplayName).Distinct(StringComparer.Ordinal);
            return ([], $"{(selector is null ? "no check" : $"check '{selector}'")} runs on no host named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                $"it runs on: {string.Join(", ", hosts)}");
        }

        // The same host in two stages runs a check once.
        var result = picked.Where(c => hostPatterns.Count == 0 || hostPatterns.Any(p => Core.Config.HostFilter.Matches(c.Host, p)))
            .DistinctBy(c => c.Id, StringComparer.Ordinal).ToList();
        return result.Count == 0 ? ([], "no checks are configured (add them under monitor.checks in slipway.yml)") : (result, null);
    }

    /// <summary>Runs every check once, at most <paramref name="maxConcurrency"/> at a time; results in the order given.</summary>
    public async Task<IReadOnlyList<CheckOutcome>> RunAsync(IReadOnlyList<ConfiguredCheck> checks, int maxConcurrency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var results = new CheckOutcome[checks.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrency), CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, checks.Count), options, async (i, token) =>
        {
            var check = checks[i];
            var scheduled = factory.Create(check.Definition);
            CheckResult result;
            try
            {
                result = await scheduled.Check.RunAsync(scheduled.Options.Timeout, token);
            }
#pragma warning disable CA1031 // As in the scheduler: a check that throws is UNKNOWN, and the other checks still run.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                result = CheckResult.Unknown($"(check failed: {e.Message})");
            }

            results[i] = new CheckOutcome(check, result);
        });
        return results;
    }
}
