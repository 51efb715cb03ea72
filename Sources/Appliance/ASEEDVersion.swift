/// The appliance's version, shown by `aseed version` and used for the package name.
enum ASEEDVersion {
    static let current = "0.1.0"
}
