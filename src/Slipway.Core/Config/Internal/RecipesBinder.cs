namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>recipes:</c> (today: <c>django:</c>).</summary>
internal static class RecipesBinder
{
    public static RecipesConfig Bind(Section root)
    {
        if (root.Get(ConfigKeys.Recipes) is not { } node)
        {
            return new RecipesConfig();
        }

        var s = root.Context.Section(node, ConfigKeys.Recipes, ConfigKeys.RecipeKeys, "a mapping of recipe names, such as django: { … }");
        if (s?.Get("django") is not { } django)
        {
            return new RecipesConfig();
        }

        return new RecipesConfig { Django = BindDjango(root.Context, django, s.PathOf("django")) };
    }

    private static DjangoRecipeConfig? BindDjango(BindContext context, ConfigNode node, string path)
    {
        // `django: true` (or an empty `django:`) turns the recipe on with its defaults.
        if (node is ConfigScalar scalar)
        {
            return scalar.IsNull || ValueReader.Bool(context, node, path) == true
                ? new DjangoRecipeConfig { Location = node.Location }
                : null;
        }

        var s = context.Section(node, path, ConfigKeys.DjangoKeys, "a mapping such as { requirements: requirements.txt, settings: mysite.settings }");
        if (s is null)
        {
            return null;
        }

        var defaults = new DjangoRecipeConfig();
        var (migrate, migrateRoles) = BindMigrate(s);
        var python = s.String("python") ?? defaults.Python;
        if (!python.StartsWith('/'))
        {
            context.Error(s.Get("python")!, s.PathOf("python"), $"must be an absolute path to an interpreter such as /usr/bin/python3, got \"{python}\"");
        }

        var staticDir = s.String("static_dir");
        if (staticDir is not null && LinkedPaths.Check(staticDir) is { } problem)
        {
            context.Error(s.Get("static_dir")!, s.PathOf("static_dir"), problem);
        }

        var (vendor, vendorLocations) = BindVendor(s);
        return new DjangoRecipeConfig
        {
            Python = python,
            SystemSitePackages = s.Bool("system_site_packages") ?? defaults.SystemSitePackages,
            Requirements = s.String("requirements"),
            FindLinks = s.String("find_links"),
            NoIndex = s.Bool("no_index") ?? defaults.NoIndex,
            Settings = s.String("settings"),
            ManagePy = s.String("manage_py") ?? defaults.ManagePy,
            EnvFile = s.String("env_file"),
            Migrate = migrate,
            MigrateRoles = migrateRoles,
            CollectStatic = s.Bool("collectstatic") ?? defaults.CollectStatic,
            StaticDir = staticDir ?? defaults.StaticDir,
            CheckDeploy = s.Bool("check_deploy") ?? defaults.CheckDeploy,
            CompileMessages = s.Bool("compilemessages") ?? defaults.CompileMessages,
            Roles = s.Roles(recordUse: true),
            Vendor = vendor,
            VendorLocations = vendorLocations,
            Location = s.Location,
        };
    }

    /// <summary>
    /// <c>vendor: [pillow, …]</c>: package names, each written once. Whether each is a deployed <c>build.packages</c>
    /// entry is checked once the whole file is bound (<see cref="CrossChecks.CheckDjangoVendor"/>).
    /// </summary>
    private static (List<string> Names, Dictionary<string, SourceLocation> Locations) BindVendor(Section s)
    {
        var names = new List<string>();
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (name, node, path) in s.StringList("vendor"))
        {
            if (!locations.TryAdd(name, node.Location))
            {
                s.Context.Error(node, path, $"'{name}' is listed twice");
            }
            else
            {
                names.Add(name);
            }
        }

        return (names, locations);
    }

    /// <summary><c>migrate: true|false</c> or <c>migrate: { roles: [db] }</c>.</summary>
    private static (bool Migrate, List<string> Roles) BindMigrate(Section s)
    {
        if (s.Get("migrate") is not { } node)
        {
            return (true, []);
        }

        var path = s.PathOf("migrate");
        if (node is ConfigScalar)
        {
            return (ValueReader.Bool(s.Context, node, path) ?? true, []);
        }

        var m = s.Context.Section(node, path, ConfigKeys.MigrateKeys, "true, false or a mapping such as { roles: [db] }");
        return (true, m?.Roles(recordUse: true) ?? []);
    }
}
