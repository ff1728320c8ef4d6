//! The closed lists a context version chooses from.

crate::choice! {
    /// Where an issue comes from: outside the organisation or inside it.
    pub enum IssueOrigin ("origin") {
        External = "external": "External",
        Internal = "internal": "Internal",
    }
}

crate::choice! {
    /// What an issue is about. Climate change has its own category because the management
    /// system must say whether it is relevant (see [`super::climate_is_addressed`]).
    pub enum IssueCategory ("category") {
        LegalRegulatory = "legal_regulatory": "Legal and regulatory",
        MarketEconomic = "market_economic": "Market and economic",
        Technological = "technological": "Technological",
        SocialEthical = "social_ethical": "Social and ethical",
        ClimateChange = "climate_change": "Climate change",
        Environmental = "environmental": "Environmental (other than climate)",
        Organisational = "organisational": "Organisational",
        Other = "other": "Other",
    }
}

crate::choice! {
    /// What sort of interested party it is.
    pub enum PartyKind ("kind") {
        Customers = "customers": "Customers",
        AffectedPeople = "affected_people": "People affected by AI systems",
        Regulators = "regulators": "Regulators and authorities",
        Employees = "employees": "Employees",
        Suppliers = "suppliers": "Suppliers and partners",
        Investors = "investors": "Investors and owners",
        Society = "society": "Society and communities",
        Other = "other": "Other",
    }
}

crate::choice! {
    /// A role the organisation plays with AI: the AI system lifecycle roles of ISO/IEC 22989,
    /// and the operator roles of the EU AI Act (Regulation (EU) 2024/1689, Article 3).
    pub enum AiRole ("ai_roles") {
        AiProvider = "ai_provider": "AI provider (ISO/IEC 22989)",
        AiProducer = "ai_producer": "AI producer (ISO/IEC 22989)",
        AiCustomer = "ai_customer": "AI customer (ISO/IEC 22989)",
        AiPartner = "ai_partner": "AI partner (ISO/IEC 22989)",
        AiSubject = "ai_subject": "AI subject (ISO/IEC 22989)",
        RelevantAuthority = "relevant_authority": "Relevant authority (ISO/IEC 22989)",
        EuProvider = "eu_provider": "Provider (EU AI Act)",
        EuDeployer = "eu_deployer": "Deployer (EU AI Act)",
        EuImporter = "eu_importer": "Importer (EU AI Act)",
        EuDistributor = "eu_distributor": "Distributor (EU AI Act)",
        EuAuthorisedRepresentative = "eu_authorised_representative": "Authorised representative (EU AI Act)",
        EuProductManufacturer = "eu_product_manufacturer": "Product manufacturer (EU AI Act)",
    }
}

crate::choice! {
    /// Where a version of the context stands.
    pub enum ContextStatus ("status") {
        Draft = "draft": "Draft",
        InReview = "in_review": "In review",
        Approved = "approved": "Approved",
        Superseded = "superseded": "Superseded",
    }
}
