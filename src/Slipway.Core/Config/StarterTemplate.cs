using Slipway.Core.Config.Internal;

namespace Slipway.Core.Config;

/// <summary>Starter <c>slipway.yml</c> files for <c>slipway init</c>. Each one loads without errors as written.</summary>
public static class StarterTemplate
{
    public const string SchemaUrl = "https://raw.githubusercontent.com/slipway/slipway/main/docs/slipway.schema.json";

    /// <summary>What <c>application:</c> accepts; the CLI checks a name with this before calling a template.</summary>
    public static bool IsValidApplicationName(string name) => Names.IsName(name);

    /// <exception cref="ArgumentException">The name is not a valid application name (see <see cref="IsValidApplicationName"/>).</exception>
    public static string Django(string application)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (!IsValidApplicationName(application))
        {
            throw new ArgumentException(
                $"'{application}' is not a valid application name: use lowercase letters, digits, '-' and '_'.", nameof(application));
        }

        return DjangoTemplate.Replace("{app}", application, StringComparison.Ordinal);
    }

    private const string DjangoTemplate = $$"""
        # yaml-language-server: $schema={{SchemaUrl}}
        # slipway.yml for {app}, a Django site. Every key is described in docs/configuration.md
        # (the schema above gives editors completion and checks as you type).
        # Any value may use ${VAR} or ${VAR:-default} from the environment; write $$ for a literal $.

        application: {app}
        repo_url: git@example.com:you/{app}.git   # any URL or path git understands
        deploy_to: /srv/{app}                     # releases/, shared/ and current live here on every host
        keep_releases: 5
        branch: main

        # Kept in shared/ and linked into every release, so they survive deploys.
        linked_dirs: [media]
        linked_files: [.env]

        ssh:
          # user: deploy
          # identity_file: ~/.ssh/id_ed25519
          host_key_policy: strict                 # or accept-new to trust hosts seen for the first time
          connect_timeout: 10

        stages:
          # Deploys to this machine without SSH: try `slipway deploy local` first.
          local:
            hosts:
              - { host: localhost, transport: local, roles: [web, db] }

          # production:
          #   branch: main
          #   hosts:
          #     - { host: web1.example.com, user: deploy, roles: [web, db], primary: true }
          #     - { host: web2.example.com, user: deploy, roles: [web] }

        # Checked on every host before a deploy changes anything.
        requirements:
          - { command: git }
          - { command: python3 }
          - { python_module: django }
          - { free_disk: 1G }

        hooks:
          after_update:
            - { run: "python3 manage.py collectstatic --noinput", roles: [web] }
            - { run: "python3 manage.py migrate --noinput", roles: [db], once: true }
          after_publish:
            - { run: "curl -fsS http://127.0.0.1:8000/", roles: [web] }

        # Kept running by the supervisor, restarted after each deploy.
        processes:
          web:
            command: gunicorn {app}.wsgi --bind 127.0.0.1:8000
            environment: { DJANGO_SETTINGS_MODULE: {app}.settings }
            roles: [web]

        """;
}
