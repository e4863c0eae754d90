/** Brazilian Portuguese, with the product's own wording for call commands. */
import type { Translation } from './en.js';

const ptBR: Translation = {
  $lang: 'pt-BR',
  $name: 'Português (Brasil)',
  moreCommands: 'Mais comandos',
  voiceCall: 'Chamada de voz',
  videoCall: 'Chamada de vídeo',
  acceptWithAudio: 'Aceitar com áudio',
  acceptWithVideo: 'Aceitar com vídeo',
  reject: 'Rejeitar',
  incomingCall: (caller, video) => (video ? `Chamada de vídeo de ${caller}` : `Chamada de voz de ${caller}`),
  ringTitle: (caller) => `${caller} está ligando…`,
  answerCountdown: (time) => `${time} para atender`,
  callerCountdown: (time) => `Tocando por mais ${time}`,
  clearNotice: 'Limpar aviso',
  you: 'Você',
  defaultCaller: 'Atendimento ao cliente',
  calling: 'Chamando o cliente…',
  connecting: 'Conectando…',
  reconnecting: 'Reconectando…',
  poorNetwork: 'Conexão de rede ruim',
  inCall: 'Em chamada',
  callDuration: 'Duração da chamada',
  ended: {
    'local-ended': 'Chamada encerrada',
    'remote-ended': 'A outra pessoa encerrou a chamada',
    rejected: 'A chamada foi recusada',
    cancelled: 'A chamada foi cancelada',
    missed: 'Chamada perdida',
    failed: 'A chamada falhou',
  },
  mute: 'Mudo',
  unmute: 'Desativar mudo',
  turnOffVideo: 'Desativar vídeo',
  turnOnVideo: 'Ativar vídeo',
  endCall: 'Encerrar chamada',
  audioSettings: 'Configurações de áudio',
  videoSettings: 'Configurações de vídeo',
  microphone: 'Microfone',
  camera: 'Câmera',
  speaker: 'Alto-falante',
  defaultDevice: 'Padrão',
  agent: 'Agente',
  customer: 'Cliente',
  yourVideo: 'Seu vídeo',
  remoteVideo: (who) => `Vídeo: ${who}`,
  remoteMuted: (who) => `${who}: microfone no mudo`,
  remoteCameraOff: (who) => `${who}: câmera desligada`,
  videoFallback: 'Sua câmera não está disponível; a chamada continua só com áudio.',
  coBrowse: 'Navegação conjunta',
  shareScreen: 'Compartilhar tela',
  dismiss: 'Fechar',
  errors: {
    'permission-denied': {
      title: 'O acesso ao microfone ou à câmera está bloqueado.',
      action: 'Permita o acesso nas configurações do site no navegador (ícone da câmera na barra de endereço) e tente de novo.',
    },
    'device-not-found': {
      title: 'Nenhum microfone ou câmera foi encontrado.',
      action: 'Conecte um dispositivo ou escolha outro e tente de novo.',
    },
    'device-in-use': {
      title: 'Seu microfone ou câmera está sendo usado por outro aplicativo.',
      action: 'Feche o outro aplicativo e tente de novo.',
    },
    'insecure-context': {
      title: 'Chamadas precisam de uma conexão segura.',
      action: 'Abra esta página com um endereço https://.',
    },
    'unsupported-browser': {
      title: 'Este navegador não faz chamadas.',
      action: 'Use uma versão atual do Chrome, Edge, Firefox ou Safari.',
    },
    'signaling-failed': {
      title: 'A conexão com o serviço de chamadas foi perdida.',
      action: 'Verifique sua conexão com a internet e tente de novo.',
    },
    'media-failed': {
      title: 'Não foi possível conectar a chamada.',
      action: 'Verifique sua rede ou firewall e tente de novo.',
    },
    'invalid-state': {
      title: 'Isso não é possível agora.',
      action: 'Aguarde a etapa atual terminar.',
    },
    'video-not-allowed': {
      title: 'O vídeo está desativado neste serviço.',
      action: 'Use uma chamada de voz.',
    },
    'calls-disabled': {
      title: 'As chamadas estão desativadas neste serviço.',
      action: 'Continue a conversa pelo chat.',
    },
  },
  deviceErrors: {
    'permission-denied': {
      microphone: 'O acesso ao microfone está bloqueado.',
      camera: 'O acesso à câmera está bloqueado.',
      speaker: 'O acesso ao alto-falante está bloqueado.',
    },
    'device-not-found': {
      microphone: 'Nenhum microfone foi encontrado.',
      camera: 'Nenhuma câmera foi encontrada.',
      speaker: 'Esse alto-falante não foi encontrado.',
    },
    'device-in-use': {
      microphone: 'Seu microfone está sendo usado por outro aplicativo.',
      camera: 'Sua câmera está sendo usada por outro aplicativo.',
      speaker: 'Seu alto-falante está sendo usado por outro aplicativo.',
    },
    'media-failed': {
      microphone: 'Não foi possível ligar o microfone.',
      camera: 'Não foi possível ligar a câmera.',
      speaker: 'Não foi possível usar esse alto-falante.',
    },
  },
  customerErrorActions: {
    'permission-denied': 'Permita o acesso nas configurações do site no navegador (ícone da câmera na barra de endereço). Depois, o agente pode ligar para você de novo.',
    'device-not-found': 'Conecte um dispositivo ou escolha outro. Depois, o agente pode ligar para você de novo.',
    'device-in-use': 'Feche o outro aplicativo. Depois, o agente pode ligar para você de novo.',
    'signaling-failed': 'Verifique sua conexão com a internet. Depois, o agente pode ligar para você de novo.',
    'media-failed': 'Verifique sua rede ou firewall. Depois, o agente pode ligar para você de novo.',
  },
  // call-controls
  callControls: 'Controles da chamada',
  // end call-controls
  // visual engagement
  visual: {
    sessionPin: 'PIN da sessão',
    join: 'Entrar',
    accept: 'Aceitar',
    decline: 'Recusar',
    endSession: 'Encerrar sessão',
    sendPinToChat: 'Enviar PIN no chat',
    customerScreen: 'Tela do cliente',
    laserPointer: 'Ponteiro laser',
    remoteControl: 'Controle remoto',
    takeBackControl: 'Retomar o controle',
    havePin: 'Tem um PIN?',
    fitToWidth: 'Ajustar à largura',
    fullScreen: 'Tela cheia',
    screenKeys: (control) =>
      control ? 'As setas movem o ponteiro; Enter clica; Page Up e Page Down rolam a página.' : 'As setas movem o ponteiro laser.',
    pinLabel: 'PIN para o cliente',
    pinExpires: (time) => `Expira às ${time}`,
    pinChatMessage: (pin, kind) =>
      kind === 'screen-share'
        ? `Para compartilhar sua tela comigo, digite este PIN em "PIN da sessão": ${pin}`
        : `Para eu ver esta página com você, digite este PIN em "PIN da sessão": ${pin}`,
    creating: 'Criando a sessão…',
    waitingForCustomer: 'Aguardando o cliente digitar o PIN…',
    customerReviewing: 'O cliente está vendo o convite…',
    connectingView: (kind) => (kind === 'screen-share' ? 'Aguardando a tela do cliente…' : 'Aguardando a página do cliente…'),
    customerNavigating: 'A página do cliente está carregando…',
    youAreInControl: 'Você está controlando a página do cliente.',
    openConsole: 'Abrir o console do agente',
    checkingPin: 'Verificando o PIN…',
    invitationTitle: (kind) => (kind === 'screen-share' ? 'Compartilhar sua tela com o agente?' : 'Deixar o agente ver esta página?'),
    invitationIntro: 'Se você aceitar, o agente poderá:',
    capabilities: {
      view: (kind) =>
        kind === 'screen-share'
          ? 'ver a tela, janela ou guia que você escolher compartilhar'
          : 'ver esta página (senhas e números de cartão continuam ocultos)',
      laserPointer: 'apontar para itens com um ponteiro laser',
      remoteControl: 'clicar, digitar e rolar esta página por você, até você retomar o controle',
      navigation: 'abrir outras páginas deste site por você',
    },
    sharingScreen: 'Você está compartilhando sua tela com o agente.',
    agentSeesPage: 'O agente está vendo esta página.',
    agentInControl: 'O agente está controlando esta página.',
    attemptsLeft: (count) => (count === 1 ? 'Resta 1 tentativa.' : `Restam ${count} tentativas.`),
    endedAgent: {
      'local-ended': 'Sessão encerrada.',
      'remote-ended': 'O cliente encerrou a sessão.',
      declined: 'O cliente recusou o convite.',
      expired: 'O PIN expirou. Inicie uma nova sessão para gerar outro PIN.',
      locked: 'Foram digitados PINs errados demais e a sessão foi bloqueada. Inicie uma nova.',
      failed: 'A sessão falhou.',
    },
    endedCustomer: {
      'local-ended': 'Sessão encerrada.',
      'remote-ended': 'O agente encerrou a sessão.',
      declined: 'Você recusou o convite.',
      expired: 'A sessão expirou.',
      locked: 'A sessão foi bloqueada.',
      failed: 'A sessão falhou.',
    },
    errors: {
      'pin-invalid': 'Esse PIN não está correto. Confira e tente de novo.',
      'pin-expired': 'Esse PIN expirou. Peça um novo ao agente.',
      'pin-locked': 'PINs errados demais. Peça ao agente para iniciar uma nova sessão.',
      'provider-not-found': 'O compartilhamento de tela e a navegação conjunta não estão configurados neste serviço.',
      'provider-exists': 'Esse provedor já está configurado.',
      'session-ended': 'A sessão terminou.',
      'invalid-state': 'Isso não é possível agora.',
      'permission-denied': 'O compartilhamento de tela não foi permitido. Selecione Aceitar de novo e escolha o que compartilhar.',
      'unsupported-browser': 'Este navegador não compartilha a tela. Use uma versão atual do Chrome, Edge, Firefox ou Safari.',
      'signaling-failed': 'A conexão com o serviço foi perdida. Verifique sua internet e tente de novo.',
      'provider-failed': 'Algo deu errado na sessão. Tente de novo.',
      'control-refused': 'A página do cliente não permitiu isso: campos privados e outros sites ficam fora de alcance.',
    },
  },
  // end visual engagement
};

export default ptBR;
