using System.Globalization;
using Slipway.Core.Config;

namespace Slipway.Deploy.Model;

/// <summary>The answer to "may this commit go from one stage to the next now?", with the reason in words.</summary>
public sealed record PromotionDecision(bool Allowed, string? Commit, string Reason, bool Forced);

/// <summary>
/// Decides a promotion: the source stage must have one commit live on every host, and that commit must have been live
/// there for the rule's <c>min_age</c> (unless forced, which the history then records). Pure.
/// </summary>
public static class PromotionPlanner
{
    public static PromoteConfig? RuleFor(SlipwayConfig config, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Promotions.FirstOrDefault(p => p.From == from && p.To == to);
    }

    public static PromotionDecision Decide(StageLive source, PromoteConfig? rule, bool force, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.InStep)
        {
            var views = string.Join("; ", source.Hosts.Select(h => $"{h.Host.DisplayName}: " +
                (h.Problem ?? $"{Short(h.Commit)} (release {h.Release})")));
            return new PromotionDecision(false, null,
                $"{source.Stage} hosts do not agree on one live commit ({views}); deploy or roll back {source.Stage} until they do", false);
        }

        var commit = source.Commit!;
        var age = source.LiveSince is { } since ? now - since : TimeSpan.Zero;
        var minAge = rule?.MinAge ?? TimeSpan.Zero;
        if (age >= minAge)
        {
            return new PromotionDecision(true, commit,
                $"{Short(commit)} has been live on {source.Stage} for {Age(age)}" + (minAge > TimeSpan.Zero ? $" (min_age {Age(minAge)})" : ""), false);
        }

        var why = $"{Short(commit)} has been live on {source.Stage} for only {Age(age)}; promote.min_age is {Age(minAge)}";
        return force
            ? new PromotionDecision(true, commit, why + "; promoting anyway (--force)", true)
            : new PromotionDecision(false, commit, why + " (use --force to promote anyway; it is recorded in the history)", false);
    }

    /// <summary>Ages as people say them: 6d 23h, 7d, 3h 5m, 42s.</summary>
    public static string Age(TimeSpan t)
    {
        if (t < TimeSpan.Zero)
        {
            t = TimeSpan.Zero;
        }

        static string Two(double big, string bigUnit, int small, string smallUnit) =>
            ((long)big).ToString(CultureInfo.InvariantCulture) + bigUnit +
            (small == 0 ? "" : " " + small.ToString(CultureInfo.InvariantCulture) + smallUnit);
        return t.TotalDays >= 1 ? Two(t.TotalDays, "d", t.Hours, "h")
            : t.TotalHours >= 1 ? Two(t.TotalHours, "h", t.Minutes, "m")
            : t.TotalMinutes >= 1 ? Two(t.TotalMinutes, "m", t.Seconds, "s")
            : Two(t.TotalSeconds, "s", 0, "");
    }

    private static string Short(string? commit) => commit is null ? "-" : commit[..Math.Min(7, commit.Length)];
}
