using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Recipes;

/// <summary>
/// The Django recipe's steps as labelled <c>after_update</c> hooks, run in the new release directory: the
/// virtualenv (reused from the previous release when the requirements file is byte-identical), <c>pip install</c>,
/// <c>requires: python</c> checks inside the virtualenv, <c>check --deploy</c>, <c>migrate</c> once, <c>collectstatic</c>,
/// <c>compilemessages</c>. Every manage.py step sees DJANGO_SETTINGS_MODULE, SLIPWAY_STATIC_ROOT and the env file. Pure.
/// </summary>
public static class DjangoSteps
{
    public const string VenvLabel = "django: virtualenv";
    public const string VendorLabel = "django: vendor";
    public const string PipLabel = "django: pip install";
    public const string CheckLabel = "django: check --deploy";
    public const string MigrateLabel = "django: migrate";
    public const string CollectStaticLabel = "django: collectstatic";
    public const string CompileMessagesLabel = "django: compilemessages";

    private const string Python = ReleaseLayout.Venv + "/bin/python";

    public static IReadOnlyList<HookConfig> AfterUpdate(DjangoRecipeConfig django, IReadOnlyList<RequirementConfig> pythonModules)
    {
        ArgumentNullException.ThrowIfNull(django);
        ArgumentNullException.ThrowIfNull(pythonModules);
        var hooks = new List<HookConfig> { Hook(django, VenvLabel, Virtualenv(django)) };
        if (django.Vendor.Count > 0)
        {
            // Before pip, so requirements the vendored packages satisfy are seen as installed.
            hooks.Add(Hook(django, VendorLabel, Vendor(django)));
        }

        if (django.Requirements is not null)
        {
            hooks.Add(Hook(django, PipLabel, PipInstall(django)));
        }

        foreach (var module in pythonModules)
        {
            hooks.Add(new HookConfig
            {
                Run = Text(ImportCheck(module.Target)),
                Roles = module.Roles.Count > 0 ? module.Roles : django.Roles,
                Label = "requires: python module " + module.Target,
                Location = module.Location,
            });
        }

        if (django.CheckDeploy)
        {
            hooks.Add(Hook(django, CheckLabel, Manage(django, ShellCommand.Create($"check --deploy")), manage: true));
        }

        if (django.Migrate)
        {
            hooks.Add(Hook(django, MigrateLabel, Migrate(django), manage: true) with
            {
                Once = true,
                Roles = django.MigrateRoles.Count > 0 ? django.MigrateRoles : django.Roles,
            });
        }

        if (django.CollectStatic)
        {
            hooks.Add(Hook(django, CollectStaticLabel, ShellCommand.Create($"mkdir -p \"$SLIPWAY_STATIC_ROOT\"")
                .Then(ManageCommand(django, ShellCommand.Create($"collectstatic --noinput"))), manage: true));
        }

        if (django.CompileMessages)
        {
            hooks.Add(Hook(django, CompileMessagesLabel, Manage(django, ShellCommand.Create($"compilemessages")), manage: true));
        }

        return hooks;
    }

    /// <summary>
    /// Makes <c>venv</c> in the release. When the previous release's virtualenv was made by the same interpreter with the
    /// same options and the requirements file is byte-identical, its packages are hard-linked (copied where links are
    /// impossible) and the virtualenv is re-made over them with <c>--without-pip</c>, which writes this release's
    /// pyvenv.cfg and interpreter links; the other scripts in bin/ get their <c>#!</c> line pointed at this release.
    /// (No <c>${x:-default}</c> in here: hook text goes through <see cref="HostVars.Expand"/>, which reads that form.)
    /// </summary>
    public static ShellCommand Virtualenv(DjangoRecipeConfig django)
    {
        ArgumentNullException.ThrowIfNull(django);
        var options = new List<string>();
        if (django.SystemSitePackages)
        {
            options.Add("--system-site-packages");
        }

        var key = string.Join(' ', [django.Python, .. options]);
        var requirements = django.Requirements ?? "";
        var fresh = django.Requirements is null ? [.. options, "--without-pip"] : options;
        return ShellCommand.Create($$"""
            set -e
            new="$SLIPWAY_RELEASE_PATH/{{ReleaseLayout.Venv}}"; old="$SLIPWAY_PREVIOUS_RELEASE_PATH/{{ReleaseLayout.Venv}}"; req={{requirements}}
            rm -rf "$new"
            if [ -n "$SLIPWAY_PREVIOUS_RELEASE_PATH" ] && [ -x "$old/bin/python" ] && [ "$(cat "$old/.slipway-venv" 2>/dev/null)" = {{key}} ] \
               && { [ -z "$req" ] || cmp -s "$SLIPWAY_PREVIOUS_RELEASE_PATH/$req" "$req"; }; then
              echo "reusing the virtualenv of release $SLIPWAY_PREVIOUS_RELEASE (same interpreter${req:+, $req unchanged})"
              mkdir "$new"
              for d in lib include; do if [ -d "$old/$d" ]; then cp -al "$old/$d" "$new/" 2>/dev/null || { rm -rf "$new/$d"; cp -a "$old/$d" "$new/"; }; fi; done
              {{django.Python}} -m venv --without-pip {{(IEnumerable<string>)options}} "$new"
              for f in "$old"/bin/*; do
                n=${f##*/}
                if [ -e "$new/bin/$n" ] || [ -L "$f" ] || [ ! -f "$f" ]; then continue; fi
                sed "1s|^#!$old/bin/|#!$new/bin/|" "$f" > "$new/bin/$n" && chmod --reference="$f" "$new/bin/$n"
              done
              rm -f "$new"/lib/*/site-packages/{{ReleaseLayout.VendorPth}}
              printf '%s\n' "$SLIPWAY_PREVIOUS_RELEASE" > "$new/.slipway-reused-from"
            else
              {{django.Python}} -m venv {{(IEnumerable<string>)fresh}} "$new"
            fi
            printf '%s\n' {{key}} > "$new/.slipway-venv"
            "$new/bin/python" -c 'import sys; assert sys.prefix != sys.base_prefix, sys.prefix'
            """);
    }

    /// <summary>
    /// Writes <c>slipway-vendor.pth</c> into the virtualenv's site-packages: for each of <c>vendor</c>, the Python folders
    /// of its artifact as linked into this release (<c>vendor/NAME/lib/pythonX.Y/site-packages</c>, or
    /// <c>dist-packages</c>, also under <c>local/</c>), so the release imports the vendored build and a rollback's
    /// virtualenv keeps pointing at its own release's artifacts. The file is replaced, never written through: a reused
    /// virtualenv's files are hard links shared with the previous release.
    /// </summary>
    public static ShellCommand Vendor(DjangoRecipeConfig django)
    {
        ArgumentNullException.ThrowIfNull(django);
        var packages = (IEnumerable<string>)django.Vendor;
        return ShellCommand.Create($$"""
            set -e
            venv="$SLIPWAY_RELEASE_PATH/{{ReleaseLayout.Venv}}"
            site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
            ver=$("$venv/bin/python" -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
            pth="$site/{{ReleaseLayout.VendorPth}}"; tmp="$site/.{{ReleaseLayout.VendorPth}}.tmp"
            rm -f "$tmp"; : > "$tmp"
            for pkg in {{packages}}; do
              dir="$SLIPWAY_RELEASE_PATH/{{ReleaseLayout.Vendor}}/$pkg"
              if [ ! -d "$dir/" ]; then
                echo "vendored package $pkg is not linked into this release ($dir): is build.packages.$pkg deployed to this host's roles?" >&2; rm -f "$tmp"; exit 1
              fi
              found=
              for p in "$dir/lib/$ver/site-packages" "$dir/lib/$ver/dist-packages" "$dir/local/lib/$ver/site-packages" "$dir/local/lib/$ver/dist-packages"; do
                if [ -d "$p" ]; then printf '%s\n' "$p" >> "$tmp"; found="$found $p"; fi
              done
              if [ -z "$found" ]; then
                echo "vendored package $pkg has no lib/$ver/site-packages (nor dist-packages) in its artifact $(readlink "$dir"): build it for the virtualenv's $ver" >&2; rm -f "$tmp"; exit 1
              fi
              echo "vendor: $pkg ->$found"
            done
            rm -f "$pth"; mv "$tmp" "$pth"
            """);
    }

    public static ShellCommand PipInstall(DjangoRecipeConfig django)
    {
        ArgumentNullException.ThrowIfNull(django);
        var args = new List<string> { "--disable-pip-version-check", "--no-input", "--progress-bar", "off" };
        if (django.NoIndex)
        {
            args.Add("--no-index");
        }

        if (django.FindLinks is not null)
        {
            args.Add("--find-links");
            args.Add(django.FindLinks);
        }

        return ShellCommand.Create(
            $"{Python} -m pip install {(IEnumerable<string>)args} --cache-dir \"$SLIPWAY_SHARED_PATH/.slipway/pip-cache\" -r {django.Requirements!}");
    }

    /// <summary>
    /// <c>migrate --noinput</c>, with the plan recorded before and after (<c>.slipway/migrations</c> is what this
    /// release left applied; rollback compares it with the target release's record).
    /// </summary>
    public static ShellCommand Migrate(DjangoRecipeConfig django)
    {
        ArgumentNullException.ThrowIfNull(django);
        return ShellCommand.Join(" && ", [
            ShellCommand.Create($"mkdir -p {ReleaseLayout.StateDir}"),
            ManageCommand(django, ShellCommand.Create($"showmigrations --plan > {ReleaseLayout.MigrationsRecord + ".before"}")),
            ManageCommand(django, ShellCommand.Create($"migrate --noinput")),
            ManageCommand(django, ShellCommand.Create($"showmigrations --plan > {ReleaseLayout.MigrationsRecord}")),
        ]);
    }

    /// <summary>The exports every manage.py step starts with: settings module, static root, the env file's variables.</summary>
    public static ShellCommand Environment(DjangoRecipeConfig django)
    {
        ArgumentNullException.ThrowIfNull(django);
        var lines = new List<ShellCommand>();
        if (django.Settings is not null)
        {
            lines.Add(ShellCommand.Create($"export DJANGO_SETTINGS_MODULE={django.Settings}"));
        }

        lines.Add(ShellCommand.Create($"export SLIPWAY_STATIC_ROOT=\"$SLIPWAY_SHARED_PATH\"/{django.StaticDir}"));
        if (django.EnvFile is not null)
        {
            var file = django.EnvFile.StartsWith('/')
                ? ShellCommand.Create($"{django.EnvFile}")
                : ShellCommand.Create($"\"$SLIPWAY_SHARED_PATH\"/{django.EnvFile}");
            lines.Add(ShellCommand.Join("", [ShellCommand.Create($"set -a && . "), file, ShellCommand.Create($" && set +a")]));
        }

        return ShellCommand.Join("\n", lines);
    }

    /// <summary><c>venv/bin/python manage.py ARGS</c> (relative to the release directory).</summary>
    public static ShellCommand ManageCommand(DjangoRecipeConfig django, ShellCommand arguments)
    {
        ArgumentNullException.ThrowIfNull(django);
        return ShellCommand.Join(" ", [ShellCommand.Create($"{Python} {django.ManagePy}"), arguments]);
    }

    private static ShellCommand Manage(DjangoRecipeConfig django, ShellCommand arguments) => ManageCommand(django, arguments);

    private static ShellCommand ImportCheck(string module) => ShellCommand.Create(
        $"{Python} -c 'import importlib, sys; importlib.import_module(sys.argv[1])' {module} || {{ echo {"Python module '" + module + "' cannot be imported in the release's virtualenv"} >&2; exit 1; }}");

    private static HookConfig Hook(DjangoRecipeConfig django, string label, ShellCommand command, bool manage = false)
    {
        return new HookConfig
        {
            Run = Text(manage ? ShellCommand.Join("\n", [Environment(django), command]) : command),
            Roles = django.Roles,
            Label = label,
            Location = django.Location,
        };
    }

    private static string Text(ShellCommand command) => command.Text;
}
