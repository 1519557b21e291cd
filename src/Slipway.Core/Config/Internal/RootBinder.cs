using static Slipway.Core.Config.Internal.ConfigKeys;

namespace Slipway.Core.Config.Internal;

/// <summary>Binds the top level of slipway.yml, delegating each section to its own binder.</summary>
internal static class RootBinder
{
    public static SlipwayConfig? Bind(ConfigNode root, BindContext context, string sourceFile)
    {
        if (root is not ConfigMapping)
        {
            context.Error(root, "",
                $"the top level must be a mapping of settings (application: …, deploy_to: …, stages: …), got {root.Describe()}");
            return null;
        }

        var s = context.Section(root, "", TopLevel, "a mapping")!;
        var application = s.RequiredString(Application, "a short name such as mysite");
        if (application is not null && !Names.IsName(application))
        {
            context.Error(s.Get(Application)!, Application,
                $"must be a name of lowercase letters, digits, '-' and '_' (at most {Names.MaxLength}), " +
                $"such as mysite; got \"{application}\"");
        }

        var deployTo = s.RequiredString(DeployTo, "the absolute path releases live under, such as /srv/mysite");
        if (deployTo is not null && !deployTo.StartsWith('/'))
        {
            context.Error(s.Get(DeployTo)!, DeployTo, $"must be an absolute path (starting with /), got \"{deployTo}\"");
        }

        var branch = s.Get(Branch) is { } branchNode ? ValueReader.NonEmptyString(context, branchNode, Branch) : null;
        var ssh = s.Get(Ssh) is { } sshNode ? SshBinder.Bind(context, sshNode, Ssh) : new SshSettings();
        var stages = StageBinder.BindAll(s, ssh ?? new SshSettings(), branch ?? "main");
        context.HostVarNames.UnionWith(stages.SelectMany(st => st.Hosts).SelectMany(h => h.Vars.Keys));
        var linkedFiles = LinkedPaths.Read(s, LinkedFiles);
        var config = new SlipwayConfig
        {
            SourceFile = sourceFile,
            Application = application ?? "",
            RepoUrl = s.String(RepoUrl),
            DeployTo = deployTo ?? "",
            KeepReleases = s.Int(KeepReleases, 1, 100) ?? 5,
            Branch = branch ?? "main",
            SourceStrategy = s.Enum(SourceStrategy, SourceStrategies) ?? "git",
            LinkedDirs = LinkedPaths.Read(s, LinkedDirs),
            LinkedFiles = linkedFiles,
            Templates = TemplatesBinder.Bind(s, linkedFiles, sourceFile),
            Ssh = ssh ?? new SshSettings(),
            Stages = stages,
            Requirements = RequirementsBinder.Bind(s, deployTo),
            Hooks = HooksBinder.Bind(s),
            Processes = ProcessesBinder.Bind(s),
            Workers = WorkersBinder.Bind(s),
            Recipes = RecipesBinder.Bind(s),
            Supervisor = SupervisorBinder.Bind(s),
            Health = HealthBinder.Bind(s),
            Promotions = PromoteBinder.Bind(s),
            Logs = LogsBinder.Bind(s, sourceFile),
            Queue = QueueBinder.Bind(s, sourceFile),
            Monitor = MonitorBinder.Bind(s, sourceFile),
            Build = BuildBinder.Bind(s, sourceFile),
            PhaseTimeouts = PhaseTimeoutsBinder.Bind(s),
            Extensions = ExtensionReader.Read(s),
        };

        if (config.KeepReleases == 1)
        {
            context.Warning(s.Get(KeepReleases)!.Location, KeepReleases,
                "keeping 1 release leaves nothing to roll back to; 'slipway rollback' needs at least 2");
        }

        CrossChecks.CheckRoles(context, config.Stages);
        CrossChecks.CheckHostVars(context, config);
        CrossChecks.CheckPromotions(context, config);
        CrossChecks.CheckMonitorHosts(context, config);
        CrossChecks.CheckWorkerNames(context, config);
        CrossChecks.CheckDjangoVendor(context, config);
        return context.HasErrors ? null : config;
    }
}
