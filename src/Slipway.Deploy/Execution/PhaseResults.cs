using System.Globalization;
using Slipway.Core.Config;
using Slipway.Deploy.Model;

namespace Slipway.Deploy.Execution;

/// <summary>How a phase's script results become host failures, and the words runs share. Pure.</summary>
internal static class PhaseResults
{
    /// <summary>A failed script as a host failure naming the step (a hook by its command line).</summary>
    public static HostFailure? Failed(HostRun run, string phase, ScriptRun result, Func<string, string>? label = null)
    {
        if (result.Succeeded)
        {
            return null;
        }

        var step = result.FailedStep;
        var what = step is null ? phase : (label?.Invoke(step) ?? step);
        return new HostFailure(run.Host, phase, step, FailureKind.StepFailed,
            $"{what} failed (exit code {(result.StepExitCode ?? result.ExitCode).ToString(CultureInfo.InvariantCulture)})", result.Tail());
    }

    /// <summary>Labels hook steps such as <c>after_update[1]</c> with the hook's command line.</summary>
    public static Func<string, string> HookLabels(SlipwayConfig config, HostRun run, IReadOnlyList<HostConfig> selected) => step =>
    {
        var open = step.IndexOf('[', StringComparison.Ordinal);
        if (open > 0 && step.EndsWith(']') && int.TryParse(step[(open + 1)..^1], CultureInfo.InvariantCulture, out var index))
        {
            var hooks = HookPlanner.For(config, step[..open], run.Host, selected);
            if (index < hooks.Count)
            {
                return hooks[index].Label ?? $"{step[..open]} hook `{hooks[index].Shown ?? hooks[index].Run}`";
            }
        }

        return $"step '{step}'";
    };

    public static List<HostFailure> CancelledAll(IReadOnlyList<HostRun> runs, string phase) =>
        [.. runs.Select(r => new HostFailure(r.Host, phase, null, FailureKind.Cancelled, "cancelled before it started", []))];

    public static string Hosts(int count) => count == 1 ? "1 host" : $"{count} hosts";
}
