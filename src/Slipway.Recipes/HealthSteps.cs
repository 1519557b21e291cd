using System.Globalization;
using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Recipes;

/// <summary>
/// <c>health:</c> checks as <c>after_publish</c> steps (after the supervisor's restart): HTTP and TCP checks through
/// the host-side agent, command checks as plain shell with the same retries and time-out. Host variables are expanded
/// before quoting. Pure.
/// </summary>
public static class HealthSteps
{
    public static string Label(HealthCheckConfig check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return "health: " + check.Name;
    }

    /// <summary>The roles a check runs on: its own, else those of the process of the same name, else every host.</summary>
    public static IReadOnlyList<string> Roles(SlipwayConfig config, HealthCheckConfig check)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(check);
        if (check.Roles.Count > 0)
        {
            return check.Roles;
        }

        return config.Processes.FirstOrDefault(p => p.Name == check.Name)?.Roles
            ?? config.Workers.FirstOrDefault(w => w.Name == check.Name)?.Roles ?? [];
    }

    public static ShellCommand Check(HealthCheckConfig check, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(host);
        var timing = new List<string>
        {
            "--timeout", SupervisorSteps.Duration(check.Timeout),
            "--retries", Number(check.Retries),
            "--interval", SupervisorSteps.Duration(check.Interval),
        };
        if (check.StartPeriod > TimeSpan.Zero)
        {
            timing.Add("--start-period");
            timing.Add(SupervisorSteps.Duration(check.StartPeriod));
        }

        if (check.Http is not null)
        {
            var args = new List<string> { HostVars.Expand(check.Http, host), "--expect", Number(check.Expect) };
            if (check.Contains is not null)
            {
                args.Add("--contains");
                args.Add(HostVars.Expand(check.Contains, host));
            }

            return Agent(ShellCommand.Create($"agent health http {(IEnumerable<string>)args} {(IEnumerable<string>)timing}"));
        }

        if (check.Tcp is not null)
        {
            return Agent(ShellCommand.Create($"agent health tcp {HostVars.Expand(check.Tcp, host)} {(IEnumerable<string>)timing}"));
        }

        var command = HostVars.Expand(check.Command ?? "true", host);
        var seconds = Math.Max(1, (int)Math.Ceiling(check.Timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var pause = Math.Max(0.0, check.Interval.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        var failure = "health check " + check.Name + " failed " + Number(check.Retries) + " time(s): " + command;
        if (check.StartPeriod > TimeSpan.Zero)
        {
            // Failures within the start period do not count (the agent's --start-period for a command check).
            var period = Math.Ceiling(check.StartPeriod.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return ShellCommand.Create($$"""
                i=0; began=$(date +%s)
                until timeout {{seconds}} /bin/sh -c {{command}}; do
                  if [ $(($(date +%s) - began)) -ge {{period}} ]; then i=$((i + 1)); fi
                  if [ "$i" -ge {{Number(check.Retries)}} ]; then echo {{failure}} >&2; exit 1; fi
                  sleep {{pause}}
                done
                """);
        }

        return ShellCommand.Create($$"""
            i=0
            until timeout {{seconds}} /bin/sh -c {{command}}; do
              i=$((i + 1)); if [ "$i" -ge {{Number(check.Retries)}} ]; then echo {{failure}} >&2; exit 1; fi
              sleep {{pause}}
            done
            """);
    }

    private static ShellCommand Agent(ShellCommand arguments) => ShellCommand.Join(" ", [ShellCommand.Raw(HostLayout.Agent), arguments]);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
