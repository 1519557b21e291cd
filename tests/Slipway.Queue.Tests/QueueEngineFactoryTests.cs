using Slipway.Queue.Embedded;

namespace Slipway.Queue.Tests;

public sealed class QueueEngineFactoryTests
{
    [Theory]
    [InlineData("sqlite:///var/lib/app/queue.db", "/var/lib/app/queue.db")]
    [InlineData("sqlite://queue.db", "queue.db")]
    [InlineData("sqlite:queue.db", "queue.db")]
    [InlineData("/srv/queue.db", "/srv/queue.db")]
    public async Task A_sqlite_url_or_a_path_opens_the_embedded_engine(string url, string path)
    {
        await using var engine = QueueEngineFactory.Open(url);

        engine.Kind.ShouldBe("sqlite");
        ((SqliteQueueEngine)engine).Path.ShouldBe(path);
    }

    [Fact]
    public void A_postgres_url_becomes_a_connection_string() =>
        QueueEngineFactory.PostgresConnectionString("postgres://app:s%40cret@db.internal:5433/jobs?sslmode=require")
            .ShouldBe("Host=db.internal;Port=5433;Username=app;Password=s@cret;Database=jobs;SSL Mode=Require");

    [Theory]
    [InlineData("sqs://sqs.eu-west-1.amazonaws.com?prefix=app.jobs", "The queue URL 'sqs://sqs.eu-west-1.amazonaws.com?prefix=app.jobs' has prefix 'app.jobs'")]
    [InlineData("sqs://id:secret@localhost?region=EU", "The queue URL 'sqs://id:***@localhost?region=EU' has region 'EU'")]
    [InlineData("sqs://id@localhost", "The queue URL 'sqs://id@localhost' has an access key id without its secret")]
    [InlineData("redis://127.0.0.1:6379/cache", "The queue URL 'redis://127.0.0.1:6379/cache' names database 'cache'")]
    [InlineData("redis://:secret@127.0.0.1:6379/0?prefix=bad%20name", "The queue URL's prefix 'bad name' is not valid")]
    [InlineData("amqp://u:secret@host/x", "Unknown queue engine 'amqp://' in 'amqp://u:***@host/x'.")]
    [InlineData("postgres://u:secret@host", "The queue URL 'postgres://u:***@host' names no database")]
    public void An_unusable_url_says_why_without_its_password(string url, string start) =>
        Should.Throw<QueueException>(() => QueueEngineFactory.Open(url)).Message.ShouldStartWith(start);

    [Theory]
    [InlineData("sqs://queue?region=EU", "The queue URL 'sqs://queue?region=EU' has region 'EU'")]
    [InlineData("redis://:secret@host/x", "The queue URL 'redis://:***@host/x' names database 'x'")]
    [InlineData("amqp://u:secret@host/x", "Unknown queue engine 'amqp://' in 'amqp://u:***@host/x'.")]
    [InlineData("postgres://u:secret@host", "The queue URL 'postgres://u:***@host' names no database")]
    [InlineData("sqlite://", "The queue URL 'sqlite://' names no file")]
    [InlineData("sqlite:", "The queue URL 'sqlite:' names no file")]
    public void Problem_says_what_open_would_refuse_without_opening_anything(string url, string start) =>
        QueueEngineFactory.Problem(url)!.ShouldStartWith(start);

    [Theory]
    [InlineData("sqs://sqs.eu-west-1.amazonaws.com", "https://sqs.eu-west-1.amazonaws.com", "eu-west-1", "slipway-", null)]
    [InlineData("sqs+http://k:s%2Fx@127.0.0.1:4566?region=us-west-2&prefix=shop-", "http://127.0.0.1:4566", "us-west-2", "shop-", "k")]
    public void An_sqs_url_names_endpoint_region_prefix_and_key(string url, string endpoint, string region, string prefix, string? keyId)
    {
        var parsed = Slipway.Queue.Sqs.SqsUrl.Parse(url);

        (parsed.Endpoint, parsed.Region, parsed.Prefix, parsed.AccessKeyId).ShouldBe((endpoint, region, prefix, keyId));
        if (keyId is not null)
        {
            parsed.SecretAccessKey.ShouldBe("s/x");
        }

        QueueEngineFactory.Problem(url).ShouldBeNull();
    }

    [Theory]
    [InlineData("mail", "mail", false)]
    [InlineData("app:reports_2.high", "app_creports__2_dhigh", false)]
    [InlineData("a_Xdead", "a__Xdead", false)]
    public void Queue_names_map_onto_sqs_names_and_back(string queue, string encoded, bool dead)
    {
        Slipway.Queue.Sqs.SqsNames.Encode(queue).ShouldBe(encoded);
        Slipway.Queue.Sqs.SqsNames.Decode(encoded).ShouldBe((queue, dead));
        Slipway.Queue.Sqs.SqsNames.Decode(Slipway.Queue.Sqs.SqsNames.Dead("", queue)).ShouldBe((queue, true));
    }

    [Fact]
    public void A_queue_named_fifo_is_an_sqs_fifo_queue_whose_dead_letter_list_is_a_standard_queue()
    {
        Slipway.Queue.Sqs.SqsNames.IsFifo("orders.fifo").ShouldBeTrue();
        Slipway.Queue.Sqs.SqsNames.IsFifo(".fifo").ShouldBeFalse();
        Slipway.Queue.Sqs.SqsNames.Main("shop-", "app:orders.fifo").ShouldBe("shop-app_corders.fifo");
        Slipway.Queue.Sqs.SqsNames.Dead("shop-", "app:orders.fifo").ShouldBe("shop-app_corders_dfifo_X");
        Slipway.Queue.Sqs.SqsNames.Decode("app_corders.fifo").ShouldBe(("app:orders.fifo", false));
        Slipway.Queue.Sqs.SqsNames.Decode("app_corders_dfifo_X").ShouldBe(("app:orders.fifo", true));
        Slipway.Queue.Sqs.SqsNames.Decode("a_X.fifo").ShouldBeNull();
    }

    [Fact]
    public void A_fifo_send_deduplicates_on_the_key_first_and_on_the_job_and_its_counters_after()
    {
        static Dictionary<string, Amazon.SQS.Model.MessageAttributeValue> Attributes(int attemptBase, string? key)
        {
            var a = new Dictionary<string, Amazon.SQS.Model.MessageAttributeValue>
            {
                ["job_id"] = new() { DataType = "Number", StringValue = "42" },
                ["attempt_base"] = new() { DataType = "Number", StringValue = attemptBase.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["spent_base"] = new() { DataType = "Number", StringValue = "0" },
            };
            if (key is not null)
            {
                a["idempotency_key"] = new() { DataType = "String", StringValue = key };
            }

            return a;
        }

        var first = Slipway.Queue.Sqs.Fifo.Entry("http://127.0.0.1:1/000000000000/shop-orders.fifo", "0", "{}", Attributes(0, "order-7"), 0);
        first.MessageGroupId.ShouldBe("shop-orders.fifo");
        first.MessageDeduplicationId.ShouldBe("k:order-7");
        first.DelaySeconds.ShouldBeNull();
        Slipway.Queue.Sqs.Fifo.DeduplicationId(Attributes(2, "order-7")).ShouldBe("j:42-2-0"); // given back or replayed: not a duplicate
        Slipway.Queue.Sqs.Fifo.FromKey("commande n°7").ShouldStartWith("h:");
        var standard = Slipway.Queue.Sqs.Fifo.Entry("http://127.0.0.1:1/000000000000/shop-orders", "0", "{}", Attributes(0, null), 5);
        (standard.MessageGroupId, standard.DelaySeconds).ShouldBe((null, 5));
    }

    [Theory]
    [InlineData("sqlite:///var/lib/app/queue.db")]
    [InlineData("queue.db")]
    [InlineData("postgres://u:p@host/jobs")]
    [InlineData("redis://127.0.0.1:6379")]
    [InlineData("rediss://:p@cache.internal/2?prefix=shop")]
    public void Problem_is_null_for_a_usable_url(string url) => QueueEngineFactory.Problem(url).ShouldBeNull();

    [Theory]
    [InlineData("sqlite:///var/lib/app/queue.db", "/var/lib/app/queue.db")]
    [InlineData("sqlite:queue.db", "queue.db")]
    [InlineData("/srv/queue.db", "/srv/queue.db")]
    [InlineData("postgres://u:p@host/jobs", null)]
    public void SqliteFile_names_the_file_open_would_use(string url, string? file) => QueueEngineFactory.SqliteFile(url).ShouldBe(file);

    [Fact]
    public void A_redis_url_names_the_endpoint_database_password_and_key_prefix()
    {
        var url = Slipway.Queue.Redis.RedisUrl.Parse("rediss://app:s%40cret@cache.internal:6380/3?prefix=shop");

        url.Endpoint.ShouldBe("cache.internal:6380");
        url.Options.DefaultDatabase.ShouldBe(3);
        url.Options.User.ShouldBe("app");
        url.Options.Password.ShouldBe("s@cret");
        url.Options.Ssl.ShouldBeTrue();
        url.KeyBase.ShouldBe("{shop}:");
        Slipway.Queue.Redis.RedisUrl.Parse("redis://127.0.0.1").KeyBase.ShouldBe("{slipway}:");
    }

    [Fact]
    public void Redis_errors_keep_their_first_clause_not_the_page_of_diagnostics() =>
        Slipway.Queue.Redis.RedisQueueEngine.FirstClause(
                "The message timed out in the backlog (5000ms) - Last Connection Exception: UnableToConnect on 127.0.0.1:1, state: …")
            .ShouldBe("The message timed out in the backlog (5000ms)");

    [Theory]
    [InlineData("emails", true)]
    [InlineData("mail.out:high-1_x", true)]
    [InlineData("bad name", false)]
    [InlineData("", false)]
    public void Queue_names_follow_one_rule(string name, bool valid) => QueueName.IsValid(name).ShouldBe(valid);
}
