import ApplianceKit
import ArgumentParser
import KafkaWire
import MiniBroker

/// `aseed users`: the SCRAM users who may log in on SASL listeners, managed over the Kafka
/// protocol (DescribeUserScramCredentials, AlterUserScramCredentials) like `kafka-configs`.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, remove and list the users who may log in with SASL (PLAIN, SCRAM).",
        discussion: """
            Passwords are stored salted (SCRAM's stored and server keys), never as they are: the password is \
            hashed here and only the salted form is sent. One credential serves PLAIN logins too. Works \
            against any cluster that serves the SCRAM admin APIs (Kafka 2.7 and later).
            """,
        subcommands: [Add.self, Remove.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user, or change a user's password.")

        @Argument(help: "The user name.") var name: String
        @Option(help: ArgumentHelp("The user's password.", valueName: "password")) var password: String
        @Option(help: ArgumentHelp("SCRAM-SHA-256 or SCRAM-SHA-512. Default: SCRAM-SHA-256", valueName: "name"))
        var mechanism: String = "SCRAM-SHA-256"
        @Option(help: ArgumentHelp("PBKDF2 iterations, 4096 to 16384. Default: 4096", valueName: "n"))
        var iterations: Int32 = 4096
        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let scram = try UsersCommand.scramMechanism(mechanism)
            guard ScramMechanism.iterationRange.contains(iterations) else {
                throw ValidationError("--iterations: SCRAM takes 4096 to 16384, got \(iterations)")
            }
            guard !password.isEmpty else { throw ValidationError("--password: a password cannot be empty") }
            let salt = ScramMechanism.newSalt()
            let salted = scram.saltedPassword(Array(password.utf8), salt: salt, iterations: Int(iterations))
            try await cluster.withAdmin {
                try await $0.upsertScramCredential(
                    user: name,
                    mechanism: scram.kafkaType,
                    iterations: iterations,
                    salt: salt,
                    saltedPassword: salted
                )
            }
            print("User '\(name)' may now log in with \(scram.sasl.rawValue) or PLAIN.")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user's credential.")

        @Argument(help: "The user name.") var name: String
        @Option(help: ArgumentHelp("Only this mechanism's credential. Default: all of the user's", valueName: "name"))
        var mechanism: String?
        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let chosen = try mechanism.map { [try UsersCommand.scramMechanism($0)] }
            try await cluster.withAdmin { admin in
                let stored = try await admin.scramCredentials().filter { $0.user == name }
                let mechanisms =
                    chosen
                    ?? ScramMechanism.allCases.filter { mechanism in
                        stored.contains { $0.mechanism == mechanism.sasl.rawValue }
                    }
                guard !mechanisms.isEmpty else {
                    throw ValidationError("there is no user '\(name)'; `aseed users list` shows who there is")
                }
                for mechanism in mechanisms {
                    try await admin.deleteScramCredential(user: name, mechanism: mechanism.kafkaType)
                }
            }
            print("Removed '\(name)'.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users with their mechanisms.")

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let credentials = try await cluster.withAdmin { try await $0.scramCredentials() }
            guard !credentials.isEmpty else {
                print("No users: `aseed users add NAME --password ...` adds one.")
                return
            }
            var table = TextTable("USER", "MECHANISM", "ITERATIONS")
            for credential in credentials {
                table.add([credential.user, credential.mechanism, String(credential.iterations)])
            }
            print(table.text)
        }
    }

    static func scramMechanism(_ name: String) throws -> ScramMechanism {
        guard let scram = SaslMechanism(rawValue: name.uppercased())?.scram else {
            throw ValidationError("--mechanism: SCRAM-SHA-256 or SCRAM-SHA-512, got '\(name)'")
        }
        return scram
    }
}
