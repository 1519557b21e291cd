using Slipway.Core.Config;

namespace Slipway.Recipes;

/// <summary>
/// Turns the recipes of a <see cref="SlipwayConfig"/> (<c>recipes: django:</c>, <c>processes:</c>, <c>health:</c>) into
/// ordinary labelled hooks, so the deploy engine runs them like any other hook, in the same phase scripts, with the
/// same all-or-none guarantees. Recipe steps come before the site's own hooks at the same point:
/// <list type="bullet">
/// <item><c>after_update</c>: the Django steps (<see cref="DjangoSteps"/>); <c>requires: python</c> checks move here,
/// into the release's virtualenv.</item>
/// <item><c>after_publish</c>: "supervisor: update …" (<see cref="SupervisorSteps"/>), then "health: NAME" per check.</item>
/// <item><c>before_rollback</c>: "django: migrations" (<see cref="MigrationSteps"/>).</item>
/// </list>
/// Steps that differ per host (a host's rendered programs file, its health URLs) are stored as host variables named
/// <c>_slipway_*</c> and referenced by the hook as <c>${_slipway_…}</c>, which the engine expands per host. Pure.
/// </summary>
public static class RecipeExpander
{
    public const string SupervisorVar = "_slipway_supervisor";

    /// <summary>The supervisor step as logs show it: the workers' settings file (the queue's password) as <c>***</c>.</summary>
    public const string SupervisorShownVar = "_slipway_supervisor_shown";
    public const string HealthVarPrefix = "_slipway_health_";

    public static SlipwayConfig Apply(SlipwayConfig config, RecipeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new RecipeOptions();
        var django = config.Recipes.Django;
        var afterUpdate = new List<HookConfig>();
        var beforeRollback = new List<HookConfig>();
        var requirements = config.Requirements;
        if (django is not null)
        {
            var modules = config.Requirements.Where(r => r.Kind == RequirementKind.PythonModule).ToList();
            requirements = [.. config.Requirements.Where(r => r.Kind != RequirementKind.PythonModule)];
            afterUpdate.AddRange(DjangoSteps.AfterUpdate(django, modules));
            if (django.Migrate)
            {
                beforeRollback.Add(MigrationSteps.BeforeRollback(django, options.ReverseMigrations));
            }
        }

        var afterPublish = new List<HookConfig>();
        if (WorkerPrograms.Any(config))
        {
            afterPublish.Add(new HookConfig
            {
                Run = Reference(SupervisorVar),
                Shown = Reference(SupervisorShownVar),
                Label = SupervisorSteps.Label(config),
                Location = config.Supervisor.Location,
            });
        }

        foreach (var check in config.Health)
        {
            afterPublish.Add(new HookConfig
            {
                Run = Reference(HealthVar(check)),
                Roles = HealthSteps.Roles(config, check),
                Label = HealthSteps.Label(check),
                Location = check.Location,
            });
        }

        if (afterUpdate.Count + afterPublish.Count == 0)
        {
            return config;
        }

        var hooks = new Dictionary<string, IReadOnlyList<HookConfig>>(config.Hooks, StringComparer.Ordinal);
        Prepend(hooks, HookPoints.AfterUpdate, afterUpdate);
        Prepend(hooks, HookPoints.AfterPublish, afterPublish);
        Prepend(hooks, HookPoints.BeforeRollback, beforeRollback);
        return config with
        {
            Hooks = hooks,
            Requirements = requirements,
            Stages = [.. config.Stages.Select(s => s with { Hosts = [.. s.Hosts.Select(h => WithSteps(config, h))] })],
        };
    }

    /// <summary>
    /// How many hosts may publish at once: one when a process asks for <c>rolling: true</c> (so the others keep
    /// serving while one restarts), else null (the engine's usual parallelism).
    /// </summary>
    public static int? PublishParallelism(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Processes.Any(p => p.Rolling) ? 1 : null;
    }

    internal static string HealthVar(HealthCheckConfig check) => HealthVarPrefix + check.Name.Replace('-', '_');

    private static HostConfig WithSteps(SlipwayConfig config, HostConfig host)
    {
        var vars = new Dictionary<string, string>(host.Vars, StringComparer.Ordinal);
        if (WorkerPrograms.Any(config))
        {
            var step = SupervisorSteps.Update(config, host);
            vars[SupervisorVar] = step.Text;
            vars[SupervisorShownVar] = step.ToString();
        }

        foreach (var check in config.Health)
        {
            vars[HealthVar(check)] = HealthSteps.Check(check, host).Text;
        }

        return host with { Vars = vars };
    }

    private static string Reference(string name) => "${" + name + "}";

    private static void Prepend(Dictionary<string, IReadOnlyList<HookConfig>> hooks, string point, List<HookConfig> steps)
    {
        if (steps.Count > 0)
        {
            hooks[point] = [.. steps, .. hooks.GetValueOrDefault(point) ?? []];
        }
    }
}
