namespace Slipway.Core.Config.Internal;

/// <summary>Checks that span sections: every role a hook, requirement or process asks for must belong to some host.</summary>
internal static class CrossChecks
{
    public static void CheckRoles(BindContext context, IReadOnlyList<StageConfig> stages)
    {
        // With a stage or host in error its roles are unknown; stay quiet rather than report a role that may well exist.
        if (stages.Count == 0 || context.HasErrorsUnder(ConfigKeys.Stages))
        {
            return;
        }

        var known = stages.SelectMany(s => s.Hosts).SelectMany(h => h.Roles).ToHashSet(StringComparer.Ordinal);
        var list = known.Count == 0
            ? "no host has any roles"
            : "roles given to hosts: " + string.Join(", ", known.Order(StringComparer.Ordinal));
        foreach (var (role, location, path, file) in context.RoleUses.Where(u => !known.Contains(u.Role)))
        {
            context.ErrorIn(file, location, path, $"role '{role}' is not given to any host; {list}");
        }
    }

    /// <summary>Every <c>${var}</c> a process, health check or hook uses must be in the vars of every host it runs on.</summary>
    public static void CheckHostVars(BindContext context, SlipwayConfig config)
    {
        if (context.HasErrorsUnder(ConfigKeys.Stages))
        {
            return;
        }

        var templates = config.Processes
            .Select(p => (Path: Paths.Child(ConfigKeys.Processes, p.Name), p.Location, p.Roles, Hosts: (IReadOnlyList<string>)[],
                Texts: (IEnumerable<string>)[p.Command, p.Directory ?? "", .. p.Environment.Values]))
            .Concat(config.Workers.Select(w => (Path: Paths.Child(ConfigKeys.Workers, w.Name), w.Location, w.Roles, Hosts: (IReadOnlyList<string>)[],
                Texts: (IEnumerable<string>)[w.Command, w.Directory ?? "", .. w.Environment.Values])))
            .Concat(config.Health.Select(h => (Path: Paths.Child(ConfigKeys.Health, h.Name), h.Location, Roles: HealthRoles(config, h), Hosts: (IReadOnlyList<string>)[],
                Texts: (IEnumerable<string>)[h.Http ?? "", h.Tcp ?? "", h.Command ?? "", h.Contains ?? ""])))
            .Concat(config.Hooks.SelectMany(kv => kv.Value.Select((h, i) => (Path: Paths.Index(Paths.Child(ConfigKeys.Hooks, kv.Key), i),
                h.Location, h.Roles, Hosts: (IReadOnlyList<string>)[], Texts: (IEnumerable<string>)[h.Run]))))
            .Concat((config.Monitor?.Checks ?? []).Select(c => (Path: c.PathOf(), c.Location, c.Roles, c.Hosts,
                Texts: (IEnumerable<string>)[c.Command ?? "", c.Url ?? "", c.Host ?? "", c.Port ?? "", c.Path ?? "", c.BodyContains ?? "",
                    c.Warning ?? "", c.Critical ?? ""])))
            .Concat(config.Templates.Select(t => (Path: Paths.Child(ConfigKeys.Templates, t.Path), t.Location, Roles: (IReadOnlyList<string>)[], Hosts: (IReadOnlyList<string>)[],
                Texts: (IEnumerable<string>)[t.Content])));
        foreach (var (path, location, roles, hosts, texts) in templates)
        {
            var used = texts.SelectMany(HostVars.References).Where(r => !r.HasDefault && context.HostVarNames.Contains(r.Name))
                .Select(r => r.Name).Distinct(StringComparer.Ordinal);
            foreach (var name in used)
            {
                var lacking = config.Stages.SelectMany(st => st.Hosts.Select(h => (Stage: st.Name, Host: h)))
                    .Where(x => (roles.Count == 0 || roles.Any(x.Host.HasRole)) && (hosts.Count == 0 || hosts.Any(p => HostFilter.Matches(x.Host, p))))
                    .Where(x => !x.Host.Vars.ContainsKey(name))
                    .Select(x => $"{x.Stage}/{x.Host.DisplayName}").ToList();
                if (lacking.Count > 0)
                {
                    context.Error(location, path,
                        $"uses ${{{name}}}, but {string.Join(", ", lacking)} has no '{name}' in its vars (or write ${{{name}:-default}})");
                }
            }
        }
    }

    /// <summary>A check's <c>hosts:</c> must each name a host of some stage (a typo would silently check nothing).</summary>
    public static void CheckMonitorHosts(BindContext context, SlipwayConfig config)
    {
        if (config.Monitor is not { } monitor || context.HasErrorsUnder(ConfigKeys.Stages))
        {
            return;
        }

        var hosts = config.Stages.SelectMany(s => s.Hosts).ToList();
        foreach (var check in monitor.Checks)
        {
            foreach (var name in check.Hosts.Where(n => !hosts.Any(h => HostFilter.Matches(h, n))))
            {
                context.Error(check.LocationOf("hosts"), check.PathOf("hosts"),
                    $"no stage has a host named '{name}'; hosts: {string.Join(", ", hosts.Select(h => h.DisplayName).Distinct(StringComparer.Ordinal))}");
            }
        }
    }

    /// <summary>A health check runs where the process of its name runs, unless it names roles itself.</summary>
    public static IReadOnlyList<string> HealthRoles(SlipwayConfig config, HealthCheckConfig check) =>
        check.Roles.Count > 0 ? check.Roles
        : config.Processes.FirstOrDefault(p => p.Name == check.Name)?.Roles ?? [];

    public static void CheckPromotions(BindContext context, SlipwayConfig config)
    {
        if (context.HasErrorsUnder(ConfigKeys.Stages))
        {
            return;
        }

        var names = config.Stages.Select(s => s.Name).ToList();
        foreach (var promote in config.Promotions)
        {
            foreach (var stage in new[] { promote.From, promote.To }.Where(s => !names.Contains(s, StringComparer.Ordinal)))
            {
                context.Error(promote.Location, ConfigKeys.Promote,
                    $"stage '{stage}' is not defined; stages: {string.Join(", ", names)}");
            }
        }
    }

    /// <summary>A worker is a program on the hosts' supervisor, so its name must not be a process's too.</summary>
    public static void CheckWorkerNames(BindContext context, SlipwayConfig config)
    {
        var processes = config.Processes.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var worker in config.Workers.Where(w => processes.Contains(w.Name)))
        {
            context.Error(worker.Location, Paths.Child(ConfigKeys.Workers, worker.Name),
                $"'{worker.Name}' is also a process: both would be the program [program:{worker.Name}]; rename one");
        }
    }

    /// <summary>
    /// <c>recipes.django.vendor</c>: each name must be a <c>build.packages</c> entry that every Django host gets during a
    /// deploy (its own <c>roles</c>, or those of a deployed package that depends on it), else the release's virtualenv
    /// would point at a <c>vendor/NAME</c> that is not there.
    /// </summary>
    public static void CheckDjangoVendor(BindContext context, SlipwayConfig config)
    {
        if (config.Recipes.Django is not { Vendor.Count: > 0 } django || context.HasErrorsUnder(ConfigKeys.Build))
        {
            return;
        }

        var path = Paths.Child(Paths.Child(ConfigKeys.Recipes, "django"), "vendor");
        var packages = config.Build?.Packages ?? [];
        var roles = DeployedRoles(packages);
        var hosts = context.HasErrorsUnder(ConfigKeys.Stages)
            ? []
            : config.Stages.SelectMany(st => st.Hosts.Select(h => (Stage: st.Name, Host: h)))
                .Where(x => django.Roles.Count == 0 || django.Roles.Any(x.Host.HasRole)).ToList();
        foreach (var name in django.Vendor)
        {
            var location = django.VendorLocations.TryGetValue(name, out var at) ? at : django.Location;
            if (!roles.TryGetValue(name, out var deployed))
            {
                context.Error(location, path, packages.Count == 0
                    ? $"unknown package '{name}': there is no build.packages section to vendor it from"
                    : $"unknown package '{name}'; build.packages: {string.Join(", ", packages.Select(p => p.Name))}");
                continue;
            }

            if (deployed.Count == 0)
            {
                context.Error(location, path,
                    $"package '{name}' is not deployed: give build.packages.{name} the roles of the Django hosts (roles: [...]) so the release links vendor/{name}");
                continue;
            }

            var lacking = hosts.Where(x => !deployed.Any(x.Host.HasRole)).Select(x => $"{x.Stage}/{x.Host.DisplayName}").ToList();
            if (lacking.Count > 0)
            {
                context.Error(location, path,
                    $"package '{name}' is deployed to roles {string.Join(", ", deployed.Order(StringComparer.Ordinal))}, but the Django host {string.Join(", ", lacking)} has none of them");
            }
        }
    }

    /// <summary>Every package's deployed roles: its own, and those of each deployed package that depends on it (transitively).</summary>
    private static Dictionary<string, HashSet<string>> DeployedRoles(IReadOnlyList<BuildPackageConfig> packages)
    {
        var roles = packages.GroupBy(p => p.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        var byName = packages.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var package in packages.Where(p => p.Roles.Count > 0))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>([package.Name]);
            while (pending.TryPop(out var current))
            {
                if (!seen.Add(current) || !byName.TryGetValue(current, out var found))
                {
                    continue;
                }

                roles[current].UnionWith(package.Roles);
                foreach (var dependency in found.Depends)
                {
                    pending.Push(dependency);
                }
            }
        }

        return roles;
    }
}
