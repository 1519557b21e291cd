using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Recipes;

/// <summary>
/// The Django recipe's rollback step (<c>before_rollback</c>, once, on the migrate host): compares the migrations
/// record of the live release (SLIPWAY_PREVIOUS_RELEASE_PATH during a rollback) with the target's, and either warns
/// about the migrations applied after the target or, with <c>rollback --migrate</c>, reverses them app by app
/// (<c>manage.py migrate APP NAME</c>, or <c>zero</c>) with the live release's code, before <c>current</c> moves.
/// Warnings reach the user as <c>::slipway:warning</c> lines, the news of a reversal as <c>::slipway:info</c>. Pure.
/// </summary>
public static class MigrationSteps
{
    public const string Label = "django: migrations";
    public const string ReverseLabel = "django: reverse migrations";

    public static HookConfig BeforeRollback(DjangoRecipeConfig django, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(django);
        return new HookConfig
        {
            Run = Script(django, reverse).Text,
            Once = true,
            Roles = django.MigrateRoles.Count > 0 ? django.MigrateRoles : django.Roles,
            Label = reverse ? ReverseLabel : Label,
            Location = django.Location,
        };
    }

    public static ShellCommand Script(DjangoRecipeConfig django, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(django);
        var record = ReleaseLayout.MigrationsRecord;
        var compare = ShellCommand.Create($$"""
            newer="$SLIPWAY_PREVIOUS_RELEASE_PATH"; target="$SLIPWAY_RELEASE_PATH"
            [ -n "$newer" ] && [ -f "$newer"/{{record}} ] || exit 0
            if [ ! -f "$target"/{{record}} ]; then
              printf '::slipway:warning release %s has no migrations record; the migrations of release %s were not compared\n' "$SLIPWAY_RELEASE" "$SLIPWAY_PREVIOUS_RELEASE"
              exit 0
            fi
            later=$(awk 'NR == FNR { if ($1 == "[X]") had[$2] = 1; next } $1 == "[X]" && !($2 in had) { print $2 }' "$target"/{{record}} "$newer"/{{record}})
            [ -n "$later" ] || exit 0
            list=$(printf '%s\n' $later | paste -sd ' ' -)
            """);
        if (!reverse)
        {
            return ShellCommand.Join("\n", [compare, ShellCommand.Create($$"""
                printf '::slipway:warning migrations applied after release %s stay applied: %s (slipway rollback --migrate reverses them)\n' "$SLIPWAY_RELEASE" "$list"
                """)]);
        }

        var migrate = DjangoSteps.ManageCommand(django, ShellCommand.Create($"migrate \"$app\" \"$to\" --noinput"));
        return ShellCommand.Join("\n", [
            compare,
            ShellCommand.Create($"echo \"reversing the migrations applied after release $SLIPWAY_RELEASE: $list\""),
            ShellCommand.Create($"cd \"$newer\""),
            DjangoSteps.Environment(django),
            ShellCommand.Create($$"""
                for app in $(printf '%s\n' $later | sed 's/\..*//' | awk '!seen[$0]++' | tac); do
                  to=$(awk -v app="$app" '$1 == "[X]" && index($2, app ".") == 1 { last = substr($2, length(app) + 2) } END { print (last == "" ? "zero" : last) }' "$target"/{{record}})
                """),
            ShellCommand.Join("", [ShellCommand.Create($"  "), migrate, ShellCommand.Create($" || exit 1")]),
            ShellCommand.Create($$"""
                done
                printf '::slipway:info reversed the migrations applied after release %s: %s\n' "$SLIPWAY_RELEASE" "$list"
                """),
        ]);
    }
}
